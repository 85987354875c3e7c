namespace Sidecar.Gossip.Wire;

/// <summary>
/// Opens an anti-entropy exchange with per-bucket hashes of the requester's members and application sources, so that
/// an exchange between nodes in agreement costs a few kilobytes whatever the cluster size.
/// </summary>
internal sealed record PushPullRequest(string Name, string Address, bool Join, IReadOnlyList<ulong> MemberBuckets, IReadOnlyList<ulong> SourceBuckets)
    : GossipMessage
{
    public override MessageType Type => MessageType.PushPullRequest;
}
