namespace Sidecar.Gossip.Wire;

/// <summary>An application delta small enough to piggyback on a packet.</summary>
internal sealed record DeltaMessage(ReadOnlyMemory<byte> Payload) : GossipMessage
{
    public override MessageType Type => MessageType.Delta;
}
