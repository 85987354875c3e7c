namespace Sidecar.Gossip.Wire;

/// <summary><paramref name="From"/> declares a member dead; From equal to Name means a graceful leave.</summary>
internal sealed record DeadMessage(uint Incarnation, string Name, string From) : GossipMessage
{
    public override MessageType Type => MessageType.Dead;
}
