using System.Diagnostics;
using System.Runtime;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Gives the start's garbage back to the OS: restoring 10,000 instances allocates several times what the replica keeps
/// (decoded snapshot, LiteDB pages, view building), and the GC keeps that memory committed. One compacting, decommitting
/// collection shortly after the listener is up returns it; after that, a check every minute does the same only when the
/// committed heap is far above what the last collection found alive (a large sync or a burst of changes).
/// </summary>
/// <remarks>
/// A blocking full collection pauses the agent for a few ms per MiB alive (about 10-30 ms at 10,000 instances here), once
/// after start and then rarely, which is why it is not run more often or before the first answer.
/// </remarks>
internal sealed partial class HeapTrimmer(IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<HeapTrimmer> logger) : BackgroundService
{
    /// <summary>How long after the listener is up the first trim runs: after the first finds, before the pod is busy.</summary>
    internal static readonly TimeSpan FirstTrimDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan s_period = TimeSpan.FromMinutes(1);

    /// <summary>Committed memory beyond the live heap that is worth a full collection (below, a trim gains too little).</summary>
    internal const long WasteThreshold = 16L << 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStartedAsync(stoppingToken);
            await Task.Delay(FirstTrimDelay, timeProvider, stoppingToken);
            Trim("start");
            using var timer = new PeriodicTimer(s_period, timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var info = GC.GetGCMemoryInfo();
                if (IsWasteful(info.TotalCommittedBytes, info.HeapSizeBytes))
                {
                    Trim("waste");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True when the GC holds more than <see cref="WasteThreshold"/> and more than the live heap again beyond it.</summary>
    internal static bool IsWasteful(long committedBytes, long heapBytes) =>
        committedBytes - heapBytes > WasteThreshold && committedBytes > 2 * heapBytes;

    /// <summary>A full, compacting collection that also decommits the free space (aggressive mode).</summary>
    internal void Trim(string reason)
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var clock = Stopwatch.StartNew();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo();
        Log.Trimmed(logger, reason, before / 1048576.0, after.TotalCommittedBytes / 1048576.0, after.HeapSizeBytes / 1048576.0,
            clock.Elapsed.TotalMilliseconds);
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }
}
