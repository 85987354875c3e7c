namespace Sidecar.Replication;

/// <summary>
/// Where the replica's changes are persisted. The writer loop calls <see cref="CommitAsync"/> once per batch, after
/// applying the batch and before acknowledging it to the writers or showing it to readers.
/// </summary>
public interface IReplicaStore
{
    /// <summary>Persists a batch. Completes once it is on disk when <see cref="ReplicaBatch.Durable"/> is set.</summary>
    ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Why the store cannot write at the moment, also when only non-durable batches failed (nobody waits for them:
    /// the store keeps and retries them); null when it writes. Readiness is false while it is set.
    /// </summary>
    string? WriteError => null;
}
