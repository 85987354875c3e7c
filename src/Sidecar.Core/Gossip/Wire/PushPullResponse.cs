namespace Sidecar.Gossip.Wire;

/// <summary>
/// The responder's members in the buckets that differ, its own bucket hashes and digest, and the deltas the
/// requester lacks.
/// </summary>
internal sealed record PushPullResponse(
    string Name,
    string Address,
    IReadOnlyList<ulong> MemberBuckets,
    IReadOnlyList<GossipMember> Members,
    IReadOnlyList<SourceDigest> Digest,
    IReadOnlyList<ReadOnlyMemory<byte>> Deltas) : GossipMessage
{
    public override MessageType Type => MessageType.PushPullResponse;
}
