namespace Sidecar.Agent.Hosting;

internal sealed partial class ReplicaMaintenance
{
    // Event ids 31xx: replica maintenance (beside storage's 30xx).
    private static partial class Log
    {
        [LoggerMessage(EventId = 3103, EventName = "PurgeFailed", Level = LogLevel.Warning,
            Message = "Purging old tombstones failed; trying again in a minute. If the data dir's disk is full, free space there.")]
        public static partial void PurgeFailed(ILogger logger, Exception exception);
    }
}
