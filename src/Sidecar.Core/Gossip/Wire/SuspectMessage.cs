namespace Sidecar.Gossip.Wire;

/// <summary><paramref name="From"/> suspects a member at this incarnation.</summary>
internal sealed record SuspectMessage(uint Incarnation, string Name, string From) : GossipMessage
{
    public override MessageType Type => MessageType.Suspect;
}
