using Sidecar.Gossip;

namespace Sidecar.Tests.Gossip;

public class BroadcastQueueTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(9, 4)]
    [InlineData(10, 8)]
    [InlineData(1000, 16)]
    [InlineData(10_000, 20)]
    public void RetransmitLimit_IsMultTimesCeilLog10(int members, int expected) =>
        Assert.Equal(expected, new BroadcastQueue(4, 100).RetransmitLimit(members));

    [Fact]
    public void Take_SendsEachMessageExactlyLimitTimes()
    {
        var queue = new BroadcastQueue(4, 100);
        queue.Enqueue([1, 2, 3], null);
        var sent = 0;
        for (var i = 0; i < 20; i++)
        {
            var into = new List<byte[]>();
            queue.Take(1000, 2, limit: 5, into);
            sent += into.Count;
        }

        Assert.Equal(5, sent);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Take_PrefersLeastTransmittedAndRespectsBudget()
    {
        var queue = new BroadcastQueue(4, 100);
        queue.Enqueue(new byte[10], "old");
        var first = new List<byte[]>();
        queue.Take(1000, 2, 5, first);
        queue.Enqueue(new byte[11], "new");

        var into = new List<byte[]>();
        queue.Take(14, 2, 5, into);

        Assert.Equal(11, Assert.Single(into).Length);
    }

    [Fact]
    public void Enqueue_SameKey_ReplacesQueuedMessage()
    {
        var queue = new BroadcastQueue(4, 100);
        queue.Enqueue([1], "m:a");
        queue.Enqueue([2], "m:a");

        var into = new List<byte[]>();
        queue.Take(1000, 2, 5, into);

        Assert.Equal([2], Assert.Single(into));
    }

    [Fact]
    public void Enqueue_BeyondBound_DropsMostTransmitted()
    {
        var queue = new BroadcastQueue(4, 3);
        for (byte i = 0; i < 10; i++)
        {
            queue.Enqueue([i], null);
        }

        Assert.Equal(3, queue.Count);
    }
}
