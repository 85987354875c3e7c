using Sidecar.Gossip;
using Sidecar.Gossip.Owners;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// "Am I an owner of this upstream source?": rendezvous hashing over the live members (<see cref="OwnerSelector"/>,
/// K = 2). Standalone, this agent is the only member and owns everything. Shaped like the upstream syncers'
/// <c>IUpstreamOwnership</c> (IsOwner + OwnershipChanged) so that it can implement it once both are merged.
/// </summary>
internal sealed class GossipOwnership(string nodeName, int ownersPerSource = 2) : Upstreams.IUpstreamOwnership
{
    private readonly OwnerSelector _selector = new(nodeName, ownersPerSource);
    private string[] _live = [nodeName];

    /// <summary>Raised (outside any lock) when the live members changed, so the sources this agent owns may have.</summary>
    public event EventHandler? OwnershipChanged;

    public string NodeName => _selector.LocalName;

    public bool IsOwner(string source) => _selector.IsOwner(source);

    /// <summary>The owners of a source, best first: for an agent's own source, that agent.</summary>
    public IReadOnlyList<string> OwnersOf(string source) =>
        source.StartsWith("agent:", StringComparison.Ordinal) ? [source["agent:".Length..]] : _selector.OwnersOf(source);

    /// <summary>Sets the members; raises <see cref="OwnershipChanged"/> when the live ones changed.</summary>
    public void Update(IEnumerable<GossipMember> members)
    {
        var live = members.Where(m => m.IsLive).Select(m => m.Name).Append(NodeName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (live.AsSpan().SequenceEqual(Volatile.Read(ref _live)))
        {
            return;
        }

        Volatile.Write(ref _live, live);
        _selector.UpdateMembers(live);
        OwnershipChanged?.Invoke(this, EventArgs.Empty);
    }
}
