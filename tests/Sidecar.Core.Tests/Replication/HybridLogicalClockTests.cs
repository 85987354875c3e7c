using Microsoft.Extensions.Time.Testing;
using Sidecar.Replication;

namespace Sidecar.Tests.Replication;

public sealed class HybridLogicalClockTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_PeerWithinSixtySecondsAhead_IsAdopted()
    {
        var time = new FakeTimeProvider(s_now);
        var clock = new HybridLogicalClock(time);
        var remote = Timestamp(s_now.AddSeconds(59));

        Assert.True(clock.Observe(remote));

        Assert.True(clock.Next() > remote);
        Assert.Equal(0, clock.RefusedAhead);
    }

    [Fact]
    public void Observe_PeerMoreThanSixtySecondsAhead_IsRefusedAndCounted()
    {
        var time = new FakeTimeProvider(s_now);
        var clock = new HybridLogicalClock(time);

        Assert.False(clock.Observe(Timestamp(s_now.AddSeconds(61))));
        Assert.False(clock.Observe(Timestamp(s_now.AddDays(365))));

        var next = clock.Next();
        Assert.Equal(s_now, HybridLogicalClock.ToTime(next));
        Assert.Equal(2, clock.RefusedAhead);

        // The same value is fine once local time has caught up to within 60 s of it.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(clock.Observe(Timestamp(s_now.AddSeconds(61))));
        Assert.Equal(s_now.AddSeconds(61), HybridLogicalClock.ToTime(clock.Next()));
    }

    [Fact]
    public void Observe_NearLongMaxValue_IsRefusedAndVersionsStayPositiveAndIncreasing()
    {
        var time = new FakeTimeProvider(s_now);
        var clock = new HybridLogicalClock(time);

        Assert.False(clock.Observe(long.MaxValue));
        Assert.False(clock.Observe(long.MaxValue - 1));

        var previous = 0L;
        for (var i = 0; i < 70_000; i++)
        {
            // More than the 16-bit logical counter within one millisecond: carries into the time part, never wraps.
            var next = clock.Next();
            Assert.True(next > previous, $"step {i}: {next} after {previous}");
            previous = next;
        }

        Assert.Equal(2, clock.RefusedAhead);
    }

    [Fact]
    public void Next_WallClockBeyondTheRepresentableRange_SaturatesInsteadOfOverflowing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.MaxValue.AddDays(-1));
        var clock = new HybridLogicalClock(time);

        var first = clock.Next();
        var previous = first;
        for (var i = 0; i < 70_000; i++)
        {
            // Past the last logical value of the last representable millisecond: stays at long.MaxValue, never negative.
            var next = clock.Next();
            Assert.True(next >= previous, $"step {i}: {next} after {previous}");
            previous = next;
        }

        Assert.True(first > 0);
        Assert.Equal(long.MaxValue, previous);
        Assert.True(clock.Observe(first), "a value at the local time is never refused");
    }

    [Fact]
    public void Observe_PastOrNegativeValues_AreHarmless()
    {
        var time = new FakeTimeProvider(s_now);
        var clock = new HybridLogicalClock(time);

        Assert.True(clock.Observe(-5));
        Assert.True(clock.Observe(Timestamp(s_now.AddDays(-3))));

        Assert.Equal(s_now, HybridLogicalClock.ToTime(clock.Next()));
    }

    private static long Timestamp(DateTimeOffset time) => time.ToUnixTimeMilliseconds() << 16;
}
