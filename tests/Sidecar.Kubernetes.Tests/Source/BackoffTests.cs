using Sidecar.Kubernetes.Source;

namespace Sidecar.Kubernetes.Tests.Source;

public sealed class BackoffTests
{
    [Fact]
    public void Next_DoublesUpToTheCapAndStaysThere()
    {
        var options = new KubeSourceOptions();
        var delays = new List<TimeSpan> { options.InitialBackoff };
        for (var i = 0; i < 9; i++)
        {
            delays.Add(Backoff.Next(delays[^1], options.MaxBackoff));
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30], delays.Select(d => d.TotalSeconds));
    }

    [Theory]
    [InlineData(0.0, 500)]
    [InlineData(0.5, 1000)]
    [InlineData(0.999, 1499)]
    public void Jitter_SpreadsTheWaitOverHalfToOneAndAHalfTimes(double sample, int expectedMs) =>
        Assert.Equal(expectedMs, (int)Backoff.Jitter(TimeSpan.FromSeconds(1), sample).TotalMilliseconds);
}
