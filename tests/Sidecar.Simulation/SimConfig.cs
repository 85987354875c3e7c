using Sidecar.Gossip;

namespace Sidecar.Simulation;

/// <summary>One simulated cluster.</summary>
internal sealed record SimConfig
{
    public int Nodes { get; init; } = 50;

    public int Seed { get; init; } = 1;

    public double Loss { get; init; }

    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Each agent starts holding one record of every agent (a converged registry).</summary>
    public bool SeedRecords { get; init; }

    public Func<string, string, GossipOptions> Options { get; init; } = (name, address) => new GossipOptions { NodeName = name, Address = address };
}
