namespace Sidecar.Agent.Upstreams;

/// <summary>What applying one pull did to the replica.</summary>
/// <param name="Written">Records created or changed.</param>
/// <param name="Removed">Records deleted (tombstoned).</param>
/// <param name="HeldRemovals">Instance removals held back by self-preservation (0 when none).</param>
/// <param name="Conflicts">New conflicts: names whose serviceId differs from the one a preferred source holds.</param>
/// <param name="ServiceIdConflicts">New conflicts: serviceIds that another source holds for a different service key.</param>
internal sealed record PullResult(int Written, int Removed, int HeldRemovals, IReadOnlyList<string> Conflicts, IReadOnlyList<string> ServiceIdConflicts);
