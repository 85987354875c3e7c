namespace Sidecar.Gossip;

/// <summary>Gossip settings; defaults follow memberlist's LAN profile (<c>spec/gossip.md</c>).</summary>
public sealed record GossipOptions
{
    /// <summary>This node's unique name.</summary>
    public required string NodeName { get; init; }

    /// <summary>The address peers reach this node at (opaque to the protocol).</summary>
    public required string Address { get; init; }

    /// <summary>Incarnation to start with: persist it and start higher after a restart.</summary>
    /// <value>0.</value>
    public uint Incarnation { get; init; }

    /// <summary>How often one member is probed.</summary>
    /// <value>1 s.</value>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for a direct ack before probing indirectly.</summary>
    /// <value>500 ms.</value>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Skip the reliable (TCP) ping sent alongside indirect probes.</summary>
    /// <value>false.</value>
    public bool DisableTcpPings { get; init; }

    /// <summary>How many members are asked to probe a target that missed the direct probe.</summary>
    /// <value>3.</value>
    public int IndirectChecks { get; init; } = 3;

    /// <summary>Suspicion timeout multiplier: min = mult × max(1, log10 N) × probe interval.</summary>
    /// <value>4.</value>
    public int SuspicionMult { get; init; } = 4;

    /// <summary>The suspicion timeout starts at this multiple of the minimum and shrinks with confirmations.</summary>
    /// <value>6.</value>
    public int SuspicionMaxTimeoutMult { get; init; } = 6;

    /// <summary>Each broadcast is sent up to mult × ceil(log10(N + 1)) times.</summary>
    /// <value>4.</value>
    public int RetransmitMult { get; init; } = 4;

    /// <summary>How often queued broadcasts are gossiped.</summary>
    /// <value>200 ms.</value>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Random members gossiped to each interval.</summary>
    /// <value>3.</value>
    public int GossipNodes { get; init; } = 3;

    /// <summary>Push-pull anti-entropy interval, scaled up above 32 members like memberlist.</summary>
    /// <value>30 s.</value>
    public TimeSpan PushPullInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Dead members are still gossiped to for this long, so a falsely-declared member learns it and refutes.</summary>
    /// <value>30 s.</value>
    public TimeSpan GossipToTheDeadTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long dead and left members are remembered, so late messages cannot resurrect them.</summary>
    /// <value>15 min.</value>
    public TimeSpan DeadMemberRetention { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifeguard: probe interval and timeout are scaled by up to this factor when this node is unhealthy.</summary>
    /// <value>8.</value>
    public int AwarenessMaxMultiplier { get; init; } = 8;

    /// <summary>Maximum datagram size including <see cref="TransportOverhead"/>.</summary>
    /// <value>1,400 bytes.</value>
    public int PacketBudget { get; init; } = 1400;

    /// <summary>Bytes the transport adds to each datagram (AES-GCM: version, nonce and tag).</summary>
    /// <value>29 bytes.</value>
    public int TransportOverhead { get; init; } = 29;

    /// <summary>Bound on queued broadcasts; the most-transmitted ones are dropped first.</summary>
    /// <value>4,096.</value>
    public int MaxQueuedBroadcasts { get; init; } = 4096;
}
