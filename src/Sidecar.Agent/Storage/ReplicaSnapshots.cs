using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Storage;

/// <summary>
/// Writes the <see cref="ReplicaSnapshotFile"/> at checkpoints: soon after a start that could not use one, then every
/// <see cref="Period"/> while the replica changes, and once more on a clean stop. Off the hot path: the writer loop
/// only collects references to the (immutable) records; encoding and writing run on the thread pool.
/// </summary>
internal sealed partial class ReplicaSnapshots(Replica replica, LiteDbReplicaStore store, TimeProvider timeProvider, ILogger<ReplicaSnapshots> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _written = store.RestoredFromSnapshot;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await TakeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ReplicaUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            Log.SnapshotFailed(logger, ex);
        }
    }

    public override void Dispose()
    {
        _writing.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = _written < 0 ? s_firstDelay : Period;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, timeProvider, stoppingToken);
                await TakeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ReplicaUnavailableException)
            {
                // The snapshot only speeds up the next start; LiteDB has everything.
                Log.SnapshotFailed(logger, ex);
            }

            delay = Period;
        }
    }

    /// <summary>Writes a snapshot if the store moved on since the last one; returns its sequence, or -1 when none was written.</summary>
    internal async Task<long> TakeAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            Capture? capture = null;
            // The capture must equal what the store was handed: taken between batches, never after a failed commit.
            for (var attempt = 0; capture is null && attempt < 10 && !store.CommitFailed; attempt++)
            {
                capture = await replica.WriteAsync(Collect, cancellationToken);
            }

            if (capture is null || capture.Sequence == _written)
            {
                return -1;
            }

            await Task.Run(() => ReplicaSnapshotFile.Write(store.SnapshotPath, capture.Sequence, capture.Records, capture.Leases), cancellationToken);
            _written = capture.Sequence;
            Log.SnapshotWritten(logger, capture.Records.Count, capture.Sequence);
            return capture.Sequence;
        }
        finally
        {
            _writing.Release();
        }
    }

    private Capture? Collect(ReplicaWriter writer)
    {
        if (writer.HasPendingChanges)
        {
            return null;
        }

        var records = new List<Record>();
        var leases = new List<KeyValuePair<RecordKey, Lease>>();
        foreach (var record in writer.Records)
        {
            records.Add(record);
            if (record.Key.Kind == RecordKind.Instance && writer.LeaseOf(record.Key) is { } lease)
            {
                leases.Add(new(record.Key, lease));
            }
        }

        return new Capture(store.QueuedSequence, records, leases);
    }

    private sealed record Capture(long Sequence, List<Record> Records, List<KeyValuePair<RecordKey, Lease>> Leases);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3203, EventName = "SnapshotWritten", Level = LogLevel.Debug,
            Message = "Wrote the replica snapshot: {Count} records (commit {Sequence}).")]
        public static partial void SnapshotWritten(ILogger logger, int count, long sequence);

        [LoggerMessage(EventId = 3204, EventName = "SnapshotFailed", Level = LogLevel.Warning,
            Message = "Writing the replica snapshot failed; the next start reads the LiteDB file instead (slower, nothing lost).")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);
    }
}
