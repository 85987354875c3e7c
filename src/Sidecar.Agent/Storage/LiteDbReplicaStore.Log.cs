namespace Sidecar.Agent.Storage;

internal sealed partial class LiteDbReplicaStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, EventName = "CorruptFile", Level = LogLevel.Error,
            Message = "The replica file {Path} could not be read; it was kept as {KeptAs} and the agent starts with an empty replica. Peers and upstreams refill it; inspect or delete the kept copy.")]
        public static partial void CorruptFile(ILogger logger, Exception exception, string path, string keptAs);

        [LoggerMessage(EventId = 3002, EventName = "UnreadableRecords", Level = LogLevel.Warning,
            Message = "{Count} records in {Path} were written by an incompatible version and were skipped.")]
        public static partial void UnreadableRecords(ILogger logger, int count, string path);

        [LoggerMessage(EventId = 3003, EventName = "CommitFailed", Level = LogLevel.Error,
            Message = "Writing {Count} batches to the replica file failed: local writes among them were refused, {Carried} replicated records are kept and written again every second. Check free disk space and the data dir's permissions.")]
        public static partial void CommitFailed(ILogger logger, Exception exception, int count, int carried);

        [LoggerMessage(EventId = 3004, EventName = "CaughtUp", Level = LogLevel.Information,
            Message = "The replica file is written again: {Carried} carried replicated records were saved after {Seconds:F0} s of failed commits.")]
        public static partial void CaughtUp(ILogger logger, int carried, double seconds);

        [LoggerMessage(EventId = 3005, EventName = "StillFailing", Level = LogLevel.Warning,
            Message = "The replica file still cannot be written ({Reason}); {Carried} replicated records are kept in memory meanwhile.")]
        public static partial void StillFailing(ILogger logger, int carried, string reason);

        [LoggerMessage(EventId = 3201, EventName = "SnapshotUsed", Level = LogLevel.Information,
            Message = "Restored {Count} records from the replica snapshot (commit {Sequence}).")]
        public static partial void SnapshotUsed(ILogger logger, int count, long sequence);

        [LoggerMessage(EventId = 3202, EventName = "SnapshotRefused", Level = LogLevel.Information,
            Message = "The replica snapshot {Path} is {Reason}; the replica is read from the LiteDB file instead.")]
        public static partial void SnapshotRefused(ILogger logger, string path, string reason);
    }
}
