using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecar.Agent.Api;
using Sidecar.Agent.Watch;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>Builds the agent's web application: services, Kestrel on <see cref="AgentOptions.Listen"/>, routes.</summary>
internal static class AgentHost
{
    public static WebApplication Build(AgentOptions options, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.Listen);
            kestrel.AddServerHeader = false;
            // Bodies are capped per endpoint (ScHttp); this only stops a client from streaming without end.
            kestrel.Limits.MaxRequestBodySize = 4 * ScHttp.MaxBody;
        });
        // Per-request framework logs cost more than a lookup; keep warnings and above.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(options);
        configureServices?.Invoke(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new Replica(options.NodeName, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new LocalRegistry(sp.GetRequiredService<Replica>()));
        services.TryAddSingleton<WatchHub>();
        services.TryAddSingleton<Readiness>();

        var app = builder.Build();
        app.Services.GetRequiredService<Replica>().Start();
        app.Services.GetRequiredService<WatchHub>();
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<Readiness>().MarkReady());
        app.UseWebSockets();
        app.Use(NotFoundAsText);
        MapSidecarApi(app);
        return app;
    }

    public static void MapSidecarApi(IEndpointRouteBuilder app)
    {
        var registry = app.MapGroup("/v4/{project}/registry");
        ServiceEndpoints.Map(registry);
        InstanceEndpoints.Map(registry);
        FindEndpoints.Map(registry);
        WatchEndpoints.Map(registry);
        MetaEndpoints.Map(app, registry);
        AgentEndpoints.Map(app);
    }

    /// <summary>An unknown path answers as Go's <c>http.NotFound</c> does: 404, text/plain, <c>404 page not found</c>.</summary>
    private static async Task NotFoundAsText(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            return;
        }

        await next(context);
    }
}
