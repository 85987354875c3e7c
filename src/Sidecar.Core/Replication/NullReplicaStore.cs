namespace Sidecar.Replication;

/// <summary>Keeps nothing: the replica lives in memory only.</summary>
public sealed class NullReplicaStore : IReplicaStore
{
    public static NullReplicaStore Instance { get; } = new();

    public ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
