namespace Sidecar.Replication;

/// <summary>How the writer loop is doing, for liveness and readiness probes.</summary>
/// <param name="Fault">Why the loop stopped for good; null while it runs.</param>
/// <param name="StuckFor">How long work has waited without a batch completing; zero when idle or progressing.</param>
/// <param name="StoreError">Why the last commit failed; null once a durable commit succeeded again.</param>
public readonly record struct ReplicaHealth(string? Fault, TimeSpan StuckFor, string? StoreError);
