using System.Diagnostics.Metrics;
using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Owns the replica's <see cref="RecordGate"/> and reports what it refuses: every refusal adds to the counter
/// <see cref="RefusedName"/> (tags <c>origin</c>, <c>reason</c>; meter <c>Sidecar.Agent</c>, created through
/// <see cref="IMeterFactory"/>), and the first refusal per origin and source is logged with its reason.
/// </summary>
internal sealed partial class RecordGateMonitor
{
    /// <summary>Scraped as <c>sidecar_records_rejected_total</c>.</summary>
    public const string RefusedName = "sidecar.records_rejected";

    private readonly ILogger _logger;

    public RecordGateMonitor(IMeterFactory meterFactory, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        _logger = loggerFactory.CreateLogger("Sidecar.Agent.Replica");
        Refused = meterFactory.Create(Diagnostics.RegistryInstruments.MeterName).CreateCounter<long>(RefusedName, "{record}",
            "Records refused at the replica's gate (invalid key or value, missing member, clock too far ahead), by origin and reason.");
        Gate = new RecordGate(timeProvider);
        Gate.Refused += OnRefused;
    }

    public RecordGate Gate { get; }

    public Counter<long> Refused { get; }

    private void OnRefused(RecordRefused refused)
    {
        Refused.Add(1, new("origin", OriginName(refused.Origin)), new("reason", refused.Refusal.Reason));
        if (refused.FirstForSource)
        {
            Log.RecordRefused(_logger, OriginName(refused.Origin), refused.Key.Source, refused.Key.Kind, refused.Key.ServiceId, refused.Key.Item,
                refused.Refusal.Reason, refused.Refusal.Detail);
        }
    }

    private static string OriginName(RecordOrigin origin) => origin switch
    {
        RecordOrigin.Local => "local",
        RecordOrigin.Gossip => "gossip",
        RecordOrigin.Upstream => "upstream",
        _ => "restore",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, EventName = "RecordRefused", Level = LogLevel.Warning,
            Message = "Refused a record from {Origin} (source {Source}, {Kind} {ServiceId}/{Item}): {Reason}: {Detail}. Later refusals of this source are only counted (metric sidecar_records_rejected_total); fix or upgrade the agent or registry that writes it.")]
        public static partial void RecordRefused(ILogger logger, string origin, string source, RecordKind kind, string serviceId, string item, string reason, string detail);
    }
}
