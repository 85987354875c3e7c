namespace Sidecar.Gossip.Wire;

/// <summary>Asks a member to probe <paramref name="Target"/> and relay the ack (or a nack) to the source.</summary>
internal sealed record IndirectPingMessage(uint Seq, string Target, string TargetAddress, string SourceName, string SourceAddress, bool WantNack)
    : GossipMessage
{
    public override MessageType Type => MessageType.IndirectPing;
}
