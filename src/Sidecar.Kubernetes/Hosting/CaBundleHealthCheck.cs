using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>The injector's readiness check (<c>/readyz</c>): <see cref="CaBundleReadiness"/>.</summary>
internal sealed class CaBundleHealthCheck(CaBundleReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(readiness.NotReady is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy());
}
