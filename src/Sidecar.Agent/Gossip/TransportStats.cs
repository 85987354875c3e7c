namespace Sidecar.Agent.Gossip;

/// <summary>Counters of <see cref="UdpTcpTransport"/> since start.</summary>
internal sealed record TransportStats(long PacketsIn, long PacketsOut, long StreamsIn, long StreamsOut, long AuthFailures, long Dropped);
