namespace Sidecar.Gossip.Wire;

/// <summary>
/// Opens an anti-entropy exchange: the requester's membership as per-bucket hashes and its application digest.
/// The responder answers with what differs; the requester then sends what the responder lacks.
/// </summary>
internal sealed record PushPullRequest(string Name, string Address, bool Join, IReadOnlyList<ulong> MemberBuckets, IReadOnlyList<SourceDigest> Digest)
    : GossipMessage
{
    public override MessageType Type => MessageType.PushPullRequest;
}
