namespace Sidecar.Gossip;

/// <summary>A member of the gossip cluster as one node sees it.</summary>
/// <param name="Name">Unique node name (also the suffix of its <c>agent:&lt;name&gt;</c> source).</param>
/// <param name="Address">Transport address, opaque to the protocol (host:port in the agent).</param>
/// <param name="Incarnation">Bumped by the member itself to refute a suspicion; a higher one always wins.</param>
/// <param name="State">Alive, suspect, dead or left.</param>
public sealed record GossipMember(string Name, string Address, uint Incarnation, MemberState State)
{
    /// <summary>Alive or suspect: still a member (SWIM keeps suspects in the group).</summary>
    public bool IsLive => State is MemberState.Alive or MemberState.Suspect;
}
