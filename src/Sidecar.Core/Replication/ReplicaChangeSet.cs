namespace Sidecar.Replication;

/// <summary>What one batch of the writer loop changed, with the snapshots before and after it.</summary>
/// <param name="Before">The snapshot readers saw before the batch.</param>
/// <param name="After">The snapshot published by the batch.</param>
/// <param name="Changes">The records the batch changed.</param>
/// <param name="LocalActivity">The batch holds local writes or lease renewals: the local source is alive.</param>
/// <param name="Forgotten">Records the batch removed for good (purged tombstones, dropped sources); null when none.</param>
public sealed record ReplicaChangeSet(RegistrySnapshot Before, RegistrySnapshot After, IReadOnlyList<RecordChange> Changes, bool LocalActivity = false, IReadOnlyList<RecordKey>? Forgotten = null);
