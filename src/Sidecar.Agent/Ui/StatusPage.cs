using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Sidecar.Agent.Ui;

/// <summary>
/// <c>GET /ui</c>: the read-only status page (sources, members, services and their instances), plain HTML, CSS and JS
/// embedded in the assembly (<c>Ui/Assets</c>, read with <c>GetManifestResourceStream</c>: no file system, no
/// reflection, fine under Native AOT). The page reads <c>/v1/services</c>, <c>/v1/sources</c>, <c>/v1/members</c>
/// and <c>/v1/services/{name}/instances</c> with same-origin GETs, so the <see cref="Api.BrowserGuard"/> applies to it
/// unchanged; the Content-Security-Policy allows nothing but this origin.
/// </summary>
internal static partial class StatusPage
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, Asset> s_assets = new[]
    {
        Load("index.html", "text/html; charset=utf-8"),
        Load("app.js", "text/javascript; charset=utf-8"),
        Load("style.css", "text/css; charset=utf-8"),
    }.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/ui", methods, context => ServeAsync(context, "index.html"));
        app.MapMethods("/ui/{file}", methods, context => ServeAsync(context, context.Request.RouteValues["file"] as string ?? ""));
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => LogAddress(app.ServiceProvider));
    }

    private static Task ServeAsync(HttpContext context, string name)
    {
        var response = context.Response;
        if (!s_assets.TryGetValue(name, out var asset))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync("404 page not found\n", context.RequestAborted);
        }

        // Revalidate every time (the files change with the agent's version); an unchanged file costs a 304.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = Csp;
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(asset.Body, context.RequestAborted).AsTask();
    }

    /// <summary>Reads one embedded file (LogicalName <c>ui/&lt;name&gt;</c> in the project file); missing is a build error.</summary>
    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("ui/" + name)
            ?? throw new InvalidOperationException($"embedded resource ui/{name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var body = copy.ToArray();
        return new Asset(name, contentType, body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8))}\"");
    }

    private static void LogAddress(IServiceProvider services)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var options = services.GetRequiredService<Hosting.AgentOptions>();
        var healthPort = options.HealthListen?.Port;
        var api = addresses?.FirstOrDefault(a => healthPort is null || !a.EndsWith(":" + healthPort, StringComparison.Ordinal));
        if (api is not null)
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar.Agent.Ui");
            var url = api.TrimEnd('/') + "/ui";
            Log.StatusPageAt(logger, url);
        }
    }

    private sealed record Asset(string Name, string ContentType, byte[] Body, string ETag);

    // Event ids 82xx: the status page.
    private static partial class Log
    {
        [LoggerMessage(EventId = 8200, EventName = "StatusPageAt", Level = LogLevel.Information, Message = "Status page: {Url}")]
        public static partial void StatusPageAt(ILogger logger, string url);
    }
}
