namespace Sidecar.Replication;

/// <summary>
/// Where the replica's changes are persisted. The writer loop calls <see cref="CommitAsync"/> once per batch, after
/// applying the batch and before acknowledging it to the writers or showing it to readers.
/// </summary>
public interface IReplicaStore
{
    /// <param name="changes">The batch.</param>
    /// <param name="durable">True when the batch holds local writes that must be on disk before they are acknowledged.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    ValueTask CommitAsync(IReadOnlyList<RecordChange> changes, bool durable, CancellationToken cancellationToken);
}
