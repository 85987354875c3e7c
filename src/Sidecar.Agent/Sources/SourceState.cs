namespace Sidecar.Agent.Sources;

/// <summary>How current a source's records are.</summary>
internal enum SourceState
{
    /// <summary>Confirmed by its writer since the agent started.</summary>
    Fresh,

    /// <summary>Known from an earlier run or a failing upstream; served, marked stale.</summary>
    Stale,

    /// <summary>Its writer is gone; records are served from the last copy, marked stale.</summary>
    Offline,
}
