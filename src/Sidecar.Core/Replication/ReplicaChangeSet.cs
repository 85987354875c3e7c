namespace Sidecar.Replication;

/// <summary>What one batch of the writer loop changed, with the snapshots before and after it.</summary>
public sealed record ReplicaChangeSet(RegistrySnapshot Before, RegistrySnapshot After, IReadOnlyList<RecordChange> Changes);
