namespace Sidecar.Gossip;

/// <summary>
/// The application side of gossip (the replica), like memberlist's Delegate. Called by the node under its lock:
/// keep calls short and hand work to the replica's writer loop; never call back into the node from here.
/// </summary>
public interface IGossipApplication
{
    /// <summary>Applies a delta received from a peer (by broadcast or push-pull).</summary>
    /// <returns>True when the delta changed local state; the node then rebroadcasts it (epidemic spreading).</returns>
    /// <remarks>Must ignore deltas of sources whose agent is dead or left, so late messages cannot resurrect them.</remarks>
    bool ApplyDelta(ReadOnlySpan<byte> delta);

    /// <summary>Per-source digest of the local records (dropped sources excluded); push-pull compares it by buckets.</summary>
    IReadOnlyList<SourceDigest> GetDigest();

    /// <summary>
    /// Encoded deltas with what a peer lacks or holds in an older version, among <paramref name="sources"/>.
    /// <paramref name="peerDigest"/> holds the peer's digests of those sources; a source it does not list is entirely lacking.
    /// </summary>
    IReadOnlyList<ReadOnlyMemory<byte>> GetDeltas(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest);

    /// <summary>A member joined, changed state, incarnation or address (the local member included, e.g. after a refutation).</summary>
    /// <remarks>On <see cref="MemberState.Dead"/> or <see cref="MemberState.Left"/>, drop source <c>agent:&lt;name&gt;</c> as a whole.</remarks>
    void OnMemberChanged(GossipMember member);

    /// <summary>
    /// Another node announces itself alive under this node's name at a different address: two agents share a name.
    /// </summary>
    /// <param name="address">The other node's address.</param>
    void OnNameConflict(string address)
    {
    }
}
