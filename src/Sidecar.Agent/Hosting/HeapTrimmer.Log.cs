namespace Sidecar.Agent.Hosting;

internal sealed partial class HeapTrimmer
{
    // Event ids 33xx: memory.
    private static partial class Log
    {
        [LoggerMessage(EventId = 3300, EventName = "HeapTrimmed", Level = LogLevel.Information,
            Message = "Returned the GC's free memory ({Reason}): committed {BeforeMiB:F1} -> {AfterMiB:F1} MiB, {LiveMiB:F1} MiB alive, paused {PauseMs:F1} ms")]
        public static partial void Trimmed(ILogger logger, string reason, double beforeMiB, double afterMiB, double liveMiB, double pauseMs);
    }
}
