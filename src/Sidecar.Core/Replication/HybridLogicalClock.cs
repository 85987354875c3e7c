namespace Sidecar.Replication;

/// <summary>
/// A hybrid logical clock: milliseconds since the Unix epoch in the high 48 bits and a logical counter in the low 16.
/// Values it hands out are strictly increasing and never behind any value it has observed from a peer.
/// </summary>
public sealed class HybridLogicalClock(TimeProvider timeProvider)
{
    private const int LogicalBits = 16;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly Lock _lock = new();
    private long _last;

    /// <summary>The next timestamp for a local event.</summary>
    public long Next()
    {
        var physical = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() << LogicalBits;
        lock (_lock)
        {
            _last = physical > _last ? physical : _last + 1;
            return _last;
        }
    }

    /// <summary>Moves the clock forward past a timestamp received from elsewhere.</summary>
    public void Observe(long remote)
    {
        lock (_lock)
        {
            if (remote > _last)
            {
                _last = remote;
            }
        }
    }

    /// <summary>The wall-clock part of a timestamp.</summary>
    public static DateTimeOffset ToTime(long timestamp) => DateTimeOffset.FromUnixTimeMilliseconds(timestamp >> LogicalBits);
}
