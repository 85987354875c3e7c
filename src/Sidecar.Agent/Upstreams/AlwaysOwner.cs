namespace Sidecar.Agent.Upstreams;

/// <summary>Standalone (no gossip): the agent owns every upstream itself.</summary>
internal sealed class AlwaysOwner : IUpstreamOwnership
{
    public bool IsOwner(string source) => true;

    // Ownership never changes.
    public event EventHandler? OwnershipChanged
    {
        add { }
        remove { }
    }
}
