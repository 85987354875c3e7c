using Microsoft.Extensions.Time.Testing;
using Sidecar.Gossip;

namespace Sidecar.Tests.Gossip;

public class SuspicionTests
{
    private static readonly TimeSpan s_min = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan s_max = TimeSpan.FromSeconds(72);

    [Fact]
    public void MinTimeout_FollowsMemberlist() =>
        Assert.Equal(TimeSpan.FromSeconds(12), Suspicion.MinTimeout(4, 1000, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Timeout_StartsAtMaxAndShrinksToMinWithKConfirmations()
    {
        Assert.Equal(s_max, Suspicion.Timeout(0, 2, s_min, s_max));
        var one = Suspicion.Timeout(1, 2, s_min, s_max);
        Assert.True(one < s_max && one > s_min);
        Assert.Equal(s_min, Suspicion.Timeout(2, 2, s_min, s_max));
    }

    [Fact]
    public void Confirm_IndependentConfirmationsFireEarlier_DuplicatesDoNot()
    {
        var time = new FakeTimeProvider();
        var fired = false;
        using var suspicion = new Suspicion("a", 2, s_min, s_max, time, () => fired = true);

        Assert.False(suspicion.Confirm("a"));
        Assert.True(suspicion.Confirm("b"));
        Assert.False(suspicion.Confirm("b"));
        Assert.True(suspicion.Confirm("c"));
        Assert.False(suspicion.Confirm("d"));

        time.Advance(s_min - TimeSpan.FromMilliseconds(1));
        Assert.False(fired);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(fired);
    }

    [Fact]
    public void NoConfirmation_FiresAtMax()
    {
        var time = new FakeTimeProvider();
        var fired = false;
        using var suspicion = new Suspicion("a", 2, s_min, s_max, time, () => fired = true);

        time.Advance(s_max - TimeSpan.FromSeconds(1));
        Assert.False(fired);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(fired);
    }
}
