using Sidecar.Gossip;

namespace Sidecar.Simulation;

/// <summary>One simulated agent: the real <see cref="GossipNode"/>, its application state and its fault flags.</summary>
internal sealed class SimHost(int index, string name, string address)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    public string Address { get; } = address;

    public GossipNode Node { get; set; } = null!;

    public SimApp App { get; set; } = null!;

    public bool Crashed { get; set; }

    /// <summary>Until this virtual time the host processes nothing (GC pause, CPU starvation).</summary>
    public long StalledUntil { get; set; }

    public long BytesSent { get; set; }

    public long BytesReceived { get; set; }
}
