namespace Sidecar.Replication;

/// <summary>
/// A lease on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>): it ends <paramref name="Remaining"/> after
/// <paramref name="Started"/>. A wall-clock step (NTP) neither ends nor extends it.
/// </summary>
/// <param name="Ttl">The full TTL a renewal restores.</param>
/// <param name="Started">Timestamp of the last renewal (or of the restore).</param>
/// <param name="Remaining">What was left of the lease at <paramref name="Started"/>: the TTL, or after a restore what the persisted expiry left.</param>
internal readonly record struct LeaseTimer(TimeSpan Ttl, long Started, TimeSpan Remaining)
{
    public static LeaseTimer Start(TimeSpan ttl, TimeProvider time) => new(ttl, time.GetTimestamp(), ttl);

    /// <summary>Continues a persisted lease: what its wall-clock expiry leaves now, counted on the monotonic clock from here.</summary>
    public static LeaseTimer Restore(Lease persisted, TimeProvider time) =>
        new(persisted.Ttl, time.GetTimestamp(), persisted.ExpiresAt - time.GetUtcNow());

    public TimeSpan Left(TimeProvider time) => Remaining - time.GetElapsedTime(Started);

    public bool HasExpired(TimeProvider time) => Left(time) <= TimeSpan.Zero;

    /// <summary>The persisted form: the wall-clock time the lease ends if the clock does not step.</summary>
    public Lease ToPersisted(TimeProvider time) => new(Ttl, time.GetUtcNow() + Left(time));
}
