namespace Sidecar.Agent.Hosting;

/// <summary>
/// The optional second listener (<c>--health-listen</c>) for kubelet probes and scrapers: it answers only
/// <c>GET|HEAD /v1/health</c>, <c>/v1/health/ready</c>, <c>/metrics</c> and <c>GET /v1/drain</c> (the app
/// containers' <c>preStop</c> hook); every other path answers 404, so the app API stays on the localhost
/// <c>--listen</c> address.
/// </summary>
internal static class HealthListener
{
    private static readonly string[] s_paths = ["/v1/health", "/v1/health/ready", "/metrics", "/v1/drain"];

    /// <summary>Runs first in the pipeline; requests that arrived on <paramref name="port"/> pass only to the health paths.</summary>
    public static Func<RequestDelegate, RequestDelegate> Filter(int port) => next => context =>
    {
        if (context.Connection.LocalPort != port
            || ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && s_paths.Contains(context.Request.Path.Value?.TrimEnd('/'), StringComparer.Ordinal)))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
    };
}
