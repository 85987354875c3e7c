namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Whether this agent is one of the owners that pull an upstream source. With gossip, the owners are the K agents
/// picked by rendezvous hashing over the live members; without it the agent owns every upstream.
/// </summary>
internal interface IUpstreamOwnership
{
    bool IsOwner(string source);

    /// <summary>Raised when the set of sources this agent owns may have changed.</summary>
    event EventHandler? OwnershipChanged;
}
