using Microsoft.Extensions.Time.Testing;

namespace Sidecar.Tests.Replication;

/// <summary>
/// A clock whose wall time can step (as NTP does) while its monotonic timestamp does not. <see cref="FakeTimeProvider"/>
/// alone moves both together; this one lets a test tell lease code that reads the wall clock from code that does not.
/// </summary>
internal sealed class SteppingClock(FakeTimeProvider monotonic) : TimeProvider
{
    private TimeSpan _step;

    public FakeTimeProvider Monotonic { get; } = monotonic;

    /// <summary>Moves the wall clock only.</summary>
    public void StepWallClock(TimeSpan step) => _step += step;

    public override DateTimeOffset GetUtcNow() => Monotonic.GetUtcNow() + _step;

    public override long GetTimestamp() => Monotonic.GetTimestamp();

    public override long TimestampFrequency => Monotonic.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Monotonic.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Monotonic.CreateTimer(callback, state, dueTime, period);
}
