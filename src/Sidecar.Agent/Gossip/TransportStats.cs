namespace Sidecar.Agent.Gossip;

/// <summary>Counters of <see cref="UdpTcpTransport"/> since start; <paramref name="DroppedBy"/> splits <paramref name="Dropped"/> by reason.</summary>
internal sealed record TransportStats(long PacketsIn, long PacketsOut, long StreamsIn, long StreamsOut, long AuthFailures, long Dropped,
    IReadOnlyDictionary<string, long> DroppedBy);
