namespace Sidecar.Replication;

/// <summary>What one batch of the writer loop changed, as the store needs it.</summary>
/// <param name="Changes">Records written or merged (tombstones included).</param>
/// <param name="Leases">Leases started, renewed (new expiry) or ended (null).</param>
/// <param name="Forgotten">Records removed for good (purged tombstones).</param>
/// <param name="Durable">True when the batch holds local writes: they must be on disk before they are acknowledged.</param>
public sealed record ReplicaBatch(
    IReadOnlyList<RecordChange> Changes,
    IReadOnlyList<KeyValuePair<RecordKey, Lease?>> Leases,
    IReadOnlyList<RecordKey> Forgotten,
    bool Durable)
{
    public bool IsEmpty => Changes.Count == 0 && Leases.Count == 0 && Forgotten.Count == 0;
}
