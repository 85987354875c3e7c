namespace Sidecar.Replication;

/// <summary>
/// A local instance's lease as it is persisted: its TTL and the wall-clock time it ends. The writer loop runs leases
/// on the monotonic clock (<see cref="LeaseTimer"/>); this form only crosses the store and restarts.
/// </summary>
public readonly record struct Lease(TimeSpan Ttl, DateTimeOffset ExpiresAt);
