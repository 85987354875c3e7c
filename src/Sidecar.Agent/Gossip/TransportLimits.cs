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

    /// <summary>Inbound TCP connections whose sealed header authenticated, being read at once (each holds at most one message).</summary>
    /// <value>16.</value>
    public int MaxInboundConnections { get; init; } = 16;

    /// <summary>
    /// Inbound TCP connections waiting for their 41-byte sealed header, in all; when full, the oldest is closed to make
    /// room for a new one (see <see cref="HandshakeSlots"/>).
    /// </summary>
    /// <value>64.</value>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Inbound TCP connections waiting for their header from one IP address; a new one closes that address's oldest.</summary>
    /// <value>8.</value>
    public int MaxPendingHandshakesPerAddress { get; init; } = 8;

    /// <summary>How long a new connection may take to send its sealed header; then it is closed.</summary>
    /// <value>2 s.</value>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one read of a stream body may wait for bytes (the whole body has <see cref="StreamTimeout"/>).</summary>
    /// <value>2 s.</value>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Received stream bytes held at once, from the first byte of a body chunk until the node has handled the message
    /// (chunks being authenticated, bodies being assembled, messages queued); a stream that would exceed it is dropped.
    /// </summary>
    /// <value>32 MiB.</value>
    public long MaxBufferedBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Authenticated messages sent longer ago than this (by the sender's clock) are dropped: replays.</summary>
    /// <value>2 min.</value>
    public TimeSpan MaxMessageAge { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Authenticated messages sent more than this ahead of local time are dropped: a peer clock in the future.</summary>
    /// <value>60 s, the bound of <see cref="Sidecar.Replication.HybridLogicalClock.MaxAhead"/>.</value>
    public TimeSpan MaxClockAhead { get; init; } = Sidecar.Replication.HybridLogicalClock.MaxAhead;

    /// <summary>Datagrams per second accepted from one IP address (token bucket, burst twice that).</summary>
    /// <value>500.</value>
    public int PacketsPerSecondPerPeer { get; init; } = 500;

    /// <summary>TCP connections per second accepted from one IP address (token bucket, burst twice that).</summary>
    /// <value>20.</value>
    public int ConnectionsPerSecondPerPeer { get; init; } = 20;

    /// <summary>How long a TCP connect and send, or reading one stream body after its header, may take.</summary>
    /// <value>5 s.</value>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
