namespace Sidecar.Agent.Gossip;

/// <summary>Bounds of <see cref="UdpTcpTransport"/>: whatever arrives, memory stays within these.</summary>
internal sealed record TransportLimits
{
    /// <summary>Largest datagram accepted or sent, sealing included.</summary>
    /// <value>1,400 bytes.</value>
    public int MaxPacket { get; init; } = 1_400;

    /// <summary>Largest stream message accepted or sent, sealing included (push-pull of a large source).</summary>
    /// <value>8 MiB.</value>
    public int MaxStreamMessage { get; init; } = 8 * 1024 * 1024;

    /// <summary>Datagrams waiting to be sent, and received datagrams waiting for the node; more are dropped and counted.</summary>
    /// <value>1,024.</value>
    public int PacketQueue { get; init; } = 1_024;

    /// <summary>Stream messages waiting to be sent, and received ones waiting for the node.</summary>
    /// <value>128.</value>
    public int StreamQueue { get; init; } = 128;

    /// <summary>Inbound TCP connections handled at once (each holds at most one message).</summary>
    /// <value>16.</value>
    public int MaxInboundConnections { get; init; } = 16;

    /// <summary>Datagrams per second accepted from one IP address (token bucket, burst twice that).</summary>
    /// <value>500.</value>
    public int PacketsPerSecondPerPeer { get; init; } = 500;

    /// <summary>TCP connections per second accepted from one IP address (token bucket, burst twice that).</summary>
    /// <value>20.</value>
    public int ConnectionsPerSecondPerPeer { get; init; } = 20;

    /// <summary>How long a TCP connect, or reading one stream message, may take.</summary>
    /// <value>5 s.</value>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
