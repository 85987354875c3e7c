using System.Diagnostics.Metrics;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Watch;
using Sidecar.Replication;

namespace Sidecar.Agent.Diagnostics;

/// <summary>
/// The registry's instruments (meter <see cref="MeterName"/>, created through <see cref="IMeterFactory"/>). Gauges and
/// totals are observed from the replica, the source tracker and the watch hub when scraped; only the pull duration is
/// recorded as it happens. The names are OpenTelemetry's; the Prometheus exporter turns <c>.</c> into <c>_</c>, adds
/// the unit (<c>s</c> becomes <c>_seconds</c>, <c>{…}</c> adds nothing) and <c>_total</c> to counters (docs/metrics.md).
/// </summary>
internal sealed class RegistryInstruments
{
    /// <summary>The agent's one meter; gossip and the record gate use it too.</summary>
    public const string MeterName = "Sidecar.Agent";
    public const string InstancesName = "sidecar.instances";
    public const string SourceStaleName = "sidecar.source.stale";
    public const string PullDurationName = "sidecar.upstream.pull_duration";
    public const string LeaseExpirationsName = "sidecar.lease_expirations";
    public const string WatchSessionsName = "sidecar.watch_sessions";

    /// <summary>Pulls take milliseconds to the attempt timeout (3 s) times the retries; the SDK's default buckets are for ms.</summary>
    private static readonly double[] s_pullBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public RegistryInstruments(IMeterFactory meterFactory, Replica replica, SourceTracker sources, WatchHub watchHub)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(InstancesName, () => InstancesBySource(replica, sources), "{instance}",
            "Instances in the replica, by source (local, sc:<name>, k8s:<cluster>, or a peer agent's).");
        meter.CreateObservableGauge(SourceStaleName, () => StaleBySource(sources), null,
            "1 while a source's records are not confirmed by its writer (upstream failing, restored after a restart, writer gone), else 0.");
        meter.CreateObservableCounter(LeaseExpirationsName, () => replica.LeasesExpired, "{instance}",
            "Local instances removed because no heartbeat renewed their lease in time.");
        meter.CreateObservableGauge(WatchSessionsName, () => watchHub.Sessions, "{session}",
            "Open Service-Center watch WebSockets.");
        PullDuration = meter.CreateHistogram(PullDurationName, "s", "Duration of one pull of a remote Service-Center, by source and outcome (success, failure).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_pullBuckets });
    }

    public Histogram<double> PullDuration { get; }

    private static IEnumerable<Measurement<long>> InstancesBySource(Replica replica, SourceTracker sources)
    {
        var counts = sources.All.ToDictionary(s => s.Source, _ => 0L, StringComparer.Ordinal);
        foreach (var service in replica.Snapshot.Services.Values)
        {
            foreach (var instance in service.Instances)
            {
                counts[instance.Source] = counts.GetValueOrDefault(instance.Source) + 1;
            }
        }

        return counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("source", c.Key)));
    }

    private static IEnumerable<Measurement<int>> StaleBySource(SourceTracker sources) =>
        sources.All.Select(s => new Measurement<int>(s.State == SourceState.Fresh ? 0 : 1, new KeyValuePair<string, object?>("source", s.Source)));
}
