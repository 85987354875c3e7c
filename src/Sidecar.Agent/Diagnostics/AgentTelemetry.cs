using OpenTelemetry.Metrics;

namespace Sidecar.Agent.Diagnostics;

/// <summary>
/// OpenTelemetry metrics of the agent: its own meter plus ASP.NET Core's and the runtime's, exported as Prometheus
/// text on <c>GET /metrics</c>, and over OTLP too when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the SDK reads the
/// other <c>OTEL_EXPORTER_OTLP_*</c> variables itself).
/// </summary>
internal static class AgentTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddAgentTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(RegistryInstruments.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // No cache: a scrape right after a change sees it (tests, and operators curling by hand).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 })
            {
                metrics.AddOtlpExporter();
            }
        });
        services.AddSingleton<RegistryInstruments>();
        return services;
    }

    /// <summary>Starts collecting now rather than when the host starts (measurements before that would be lost).</summary>
    public static void Start(WebApplication app) => app.Services.GetRequiredService<MeterProvider>();

    /// <summary>Maps <see cref="MetricsPath"/> and creates the observed instruments so the first scrape has them.</summary>
    public static void MapAgentMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<RegistryInstruments>();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }
}
