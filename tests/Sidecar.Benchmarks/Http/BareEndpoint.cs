using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Benchmarks.Http;

/// <summary>
/// The baseline of P1/P2: a minimal Kestrel app on the same route that answers each find URL with the same body and
/// the same headers as the agent, from a dictionary. What the agent costs beyond this is its own.
/// </summary>
internal static class BareEndpoint
{
    public static WebApplication Build(IPEndPoint listen, IReadOnlyDictionary<(string AppId, string ServiceName), (byte[] Body, string Revision)> answers)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(listen);
            kestrel.AddServerHeader = false;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/v4/{project}/registry/instances", async context =>
        {
            var query = context.Request.Query;
            if (!answers.TryGetValue((query["appId"].ToString(), query["serviceName"].ToString()), out var answer))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var response = context.Response;
            response.Headers["X-Resource-Revision"] = answer.Revision;
            response.Headers["X-Sidecar-Age"] = "0";
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = answer.Body.Length;
            await response.Body.WriteAsync(answer.Body, context.RequestAborted);
        });
        return app;
    }
}
