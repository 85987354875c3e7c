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

    /// <summary>Per-source digest of the local records, sent to a push-pull peer.</summary>
    IReadOnlyList<SourceDigest> GetDigest();

    /// <summary>Encoded deltas holding what a peer with this digest lacks or holds in an older version.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> GetDeltasMissingFrom(IReadOnlyList<SourceDigest> peerDigest);

    /// <summary>A member joined, changed state, incarnation or address (the local member included, e.g. after a refutation).</summary>
    /// <remarks>On <see cref="MemberState.Dead"/> or <see cref="MemberState.Left"/>, drop source <c>agent:&lt;name&gt;</c> as a whole.</remarks>
    void OnMemberChanged(GossipMember member);
}
