namespace Sidecar.Gossip.Wire;

/// <summary>The responder's bucket hashes, and its members and source digests in the buckets that differ.</summary>
internal sealed record PushPullResponse(
    string Name,
    string Address,
    IReadOnlyList<ulong> MemberBuckets,
    IReadOnlyList<ulong> SourceBuckets,
    IReadOnlyList<GossipMember> Members,
    IReadOnlyList<SourceDigest> Digest) : GossipMessage
{
    public override MessageType Type => MessageType.PushPullResponse;
}
