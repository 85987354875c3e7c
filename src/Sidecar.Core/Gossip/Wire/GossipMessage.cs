namespace Sidecar.Gossip.Wire;

/// <summary>A decoded protocol message.</summary>
internal abstract record GossipMessage
{
    public abstract MessageType Type { get; }
}
