namespace Sidecar.Replication;

/// <summary>
/// A hybrid logical clock: milliseconds since the Unix epoch in the high 48 bits and a logical counter in the low 16.
/// Values it hands out are strictly increasing and never behind any value it has accepted from a peer. A peer value
/// more than <see cref="MaxAhead"/> ahead of local time is refused (counted): adopting it would push every later
/// local version into that future (and, near <see cref="long.MaxValue"/>, overflow to negative versions) for good.
/// </summary>
public sealed class HybridLogicalClock(TimeProvider timeProvider)
{
    /// <summary>How far ahead of local time a peer's clock may be and still be adopted.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromSeconds(60);

    private const int LogicalBits = 16;

    /// <summary>The largest wall-clock milliseconds that fit the 48 high bits without reaching the sign bit.</summary>
    private const long MaxMilliseconds = long.MaxValue >> LogicalBits;

    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly Lock _lock = new();
    private long _last;
    private long _refused;

    /// <summary>Peer values refused by <see cref="Observe"/> because they were too far ahead of local time.</summary>
    public long RefusedAhead => Interlocked.Read(ref _refused);

    /// <summary>The next timestamp for a local event.</summary>
    public long Next()
    {
        var physical = Physical(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        lock (_lock)
        {
            // Saturates rather than wrapping to a negative version (unreachable while Observe refuses the future).
            _last = physical > _last ? physical : _last == long.MaxValue ? _last : _last + 1;
            return _last;
        }
    }

    /// <summary>Moves the clock forward past a timestamp received from elsewhere, unless it is too far ahead.</summary>
    /// <returns>False (and counted) when <paramref name="remote"/> is more than <see cref="MaxAhead"/> ahead of local time.</returns>
    public bool Observe(long remote)
    {
        var limit = Physical(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds() + (long)MaxAhead.TotalMilliseconds) | ((1L << LogicalBits) - 1);
        if (remote > limit)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        lock (_lock)
        {
            if (remote > _last)
            {
                _last = remote;
            }
        }

        return true;
    }

    /// <summary>The wall-clock part of a timestamp.</summary>
    public static DateTimeOffset ToTime(long timestamp) => DateTimeOffset.FromUnixTimeMilliseconds(timestamp >> LogicalBits);

    private static long Physical(long milliseconds) => Math.Clamp(milliseconds, 0, MaxMilliseconds) << LogicalBits;
}
