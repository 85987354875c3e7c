namespace Sidecar.Gossip.Wire;

/// <summary>Direct probe; the target answers with an ack to <paramref name="SourceAddress"/>.</summary>
internal sealed record PingMessage(uint Seq, string Target, string SourceName, string SourceAddress) : GossipMessage
{
    public override MessageType Type => MessageType.Ping;
}
