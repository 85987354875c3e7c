namespace Sidecar.Replication;

/// <summary>
/// A write could not be made: the store failed to commit it (e.g. the disk is full; the replica is unchanged), or the
/// writer loop has stopped after a fault. The API answers it as Service-Center's 500011 "Registry service is unavailable".
/// </summary>
public sealed class ReplicaUnavailableException : Exception
{
    public ReplicaUnavailableException()
    {
    }

    public ReplicaUnavailableException(string message)
        : base(message)
    {
    }

    public ReplicaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
