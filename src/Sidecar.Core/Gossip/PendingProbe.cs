namespace Sidecar.Gossip;

/// <summary>A ping waiting for its ack: this node's own probe, or a probe relayed for an indirect ping.</summary>
internal sealed class PendingProbe(uint seq, string target)
{
    public uint Seq { get; } = seq;

    public string Target { get; } = target;

    public ITimer? Timer { get; set; }

    /// <summary>The direct timeout passed and indirect probes went out.</summary>
    public bool Indirect { get; set; }

    public int ExpectedNacks { get; set; }

    public int Nacks { get; set; }

    /// <summary>For a relayed probe: where to send the ack or nack, under which sequence number.</summary>
    public string? RelayTo { get; init; }

    public uint RelaySeq { get; init; }

    public bool WantNack { get; init; }
}
