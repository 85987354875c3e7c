namespace Sidecar.Gossip.Wire;

/// <summary>Answer to a ping, or a relayed answer to an indirect ping.</summary>
internal sealed record AckMessage(uint Seq) : GossipMessage
{
    public override MessageType Type => MessageType.Ack;
}
