namespace Sidecar.Gossip.Wire;

/// <summary>Closes an anti-entropy exchange: the deltas the requester lacks.</summary>
internal sealed record PushPullDeltas(string Name, IReadOnlyList<ReadOnlyMemory<byte>> Deltas) : GossipMessage
{
    public override MessageType Type => MessageType.PushPullDeltas;
}
