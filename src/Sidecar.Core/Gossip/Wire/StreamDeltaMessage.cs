namespace Sidecar.Gossip.Wire;

/// <summary>An application delta too large for a packet, pushed over the stream transport.</summary>
internal sealed record StreamDeltaMessage(ReadOnlyMemory<byte> Payload) : GossipMessage
{
    public override MessageType Type => MessageType.StreamDelta;
}
