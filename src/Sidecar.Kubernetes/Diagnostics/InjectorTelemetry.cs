using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Sidecar.Kubernetes.Diagnostics;

/// <summary>
/// OpenTelemetry metrics of the injector: <see cref="InjectorInstruments"/> plus ASP.NET Core's and the runtime's
/// meters, as Prometheus text on <c>GET /metrics</c>, and over OTLP too when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class InjectorTelemetry
{
    public static IServiceCollection AddInjectorTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(InjectorInstruments.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 })
            {
                metrics.AddOtlpExporter();
            }
        });
        return services;
    }
}
