using System.Diagnostics;

namespace Sidecar.EndToEnd;

internal static class Eventually
{
    public static async Task WaitAsync(TimeSpan within, string what, Func<Task<bool>> condition, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(50, ct);
        }

        Assert.True(await condition(), $"not within {within.TotalSeconds} s: {what}");
    }
}
