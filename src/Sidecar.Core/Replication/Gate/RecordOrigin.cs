namespace Sidecar.Replication;

/// <summary>Where a record entering the replica comes from; refusals are counted per origin.</summary>
public enum RecordOrigin
{
    /// <summary>Written through this agent's API (validated there).</summary>
    Local,

    /// <summary>Received from a peer agent: a broadcast delta or a push-pull exchange.</summary>
    Gossip,

    /// <summary>Pulled from a remote Service-Center or the home registry.</summary>
    Upstream,

    /// <summary>Read back from the data dir at start-up.</summary>
    Restore,
}
