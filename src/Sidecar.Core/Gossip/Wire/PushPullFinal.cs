namespace Sidecar.Gossip.Wire;

/// <summary>
/// The requester's source bucket hashes, its members and source digests in the differing buckets, and the deltas the responder lacks; the
/// responder answers with <see cref="PushPullDeltas"/> if the requester lacks anything.
/// </summary>
internal sealed record PushPullFinal(
    string Name,
    string Address,
    IReadOnlyList<ulong> SourceBuckets,
    IReadOnlyList<GossipMember> Members, IReadOnlyList<SourceDigest> Digest, IReadOnlyList<ReadOnlyMemory<byte>> Deltas)
    : GossipMessage
{
    public override MessageType Type => MessageType.PushPullFinal;
}
