using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// <see cref="AgentHealth"/> as ASP.NET Core health checks: <c>/v1/health</c> runs the liveness check (writer loop
/// progress), <c>/v1/health/ready</c> the readiness check (started and not stopping, writer loop alive, store
/// writable). The answers keep the contract's plain-text shape: <c>alive</c> / <c>ready</c> with 200, or
/// <c>not alive: …</c> / <c>not ready: …</c> with 503.
/// </summary>
internal static class AgentHealthChecks
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddAgentHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("writer-loop", sp => new Check(sp.GetRequiredService<AgentHealth>(), ready: false), null, [LiveTag]))
            .Add(new HealthCheckRegistration("replica", sp => new Check(sp.GetRequiredService<AgentHealth>(), ready: true), null, [ReadyTag]));
        return services;
    }

    public static void MapAgentHealthChecks(this IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapHealthChecks("/v1/health", Options(LiveTag, "alive")).WithMetadata(new HttpMethodMetadata(methods));
        app.MapHealthChecks("/v1/health/ready", Options(ReadyTag, "ready")).WithMetadata(new HttpMethodMetadata(methods));
    }

    private static HealthCheckOptions Options(string tag, string state) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            var text = report.Status == HealthStatus.Healthy
                ? state
                : $"not {state}: " + string.Join("; ", report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description));
            return context.Response.WriteAsync(text, context.RequestAborted);
        },
    };

    private sealed class Check(AgentHealth health, bool ready) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            var reason = ready ? await health.NotReadyAsync(cancellationToken) : health.NotAlive();
            return reason is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(reason);
        }
    }
}
