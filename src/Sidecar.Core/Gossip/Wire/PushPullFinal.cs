namespace Sidecar.Gossip.Wire;

/// <summary>Closes an anti-entropy exchange: what the responder lacks.</summary>
internal sealed record PushPullFinal(string Name, IReadOnlyList<GossipMember> Members, IReadOnlyList<ReadOnlyMemory<byte>> Deltas) : GossipMessage
{
    public override MessageType Type => MessageType.PushPullFinal;
}
