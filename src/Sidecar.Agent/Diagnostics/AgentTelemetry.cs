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

    /// <summary>Data points kept per metric stream (the SDK's cardinality limit).</summary>
    internal const int MaxPointsPerStream = 256;

    public static IServiceCollection AddAgentTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // The SDK preallocates its default 2,000 points per metric stream (about 150 KiB each, 6-7 MiB for the ~40
            // streams here); the agent's tags (source, route, method, status) stay far below 256. Past the limit the SDK
            // folds points into its overflow series rather than dropping them.
            metrics.AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MaxPointsPerStream });
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
