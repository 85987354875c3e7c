namespace Sidecar.Gossip.Wire;

/// <summary>A member is alive at this incarnation (join or refutation).</summary>
internal sealed record AliveMessage(uint Incarnation, string Name, string Address) : GossipMessage
{
    public override MessageType Type => MessageType.Alive;
}
