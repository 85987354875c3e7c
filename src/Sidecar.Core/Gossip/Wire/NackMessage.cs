namespace Sidecar.Gossip.Wire;

/// <summary>Lifeguard: the relay is alive but got no ack from the target in time.</summary>
internal sealed record NackMessage(uint Seq) : GossipMessage
{
    public override MessageType Type => MessageType.Nack;
}
