namespace Sidecar.Replication;

/// <summary>The lease of a local instance: it is deleted when <see cref="ExpiresAt"/> passes without a heartbeat.</summary>
public readonly record struct Lease(TimeSpan Ttl, DateTimeOffset ExpiresAt);
