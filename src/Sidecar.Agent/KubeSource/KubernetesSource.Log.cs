namespace Sidecar.Agent.KubeSource;

internal sealed partial class KubernetesSource
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, EventName = "KubeSourceOwning", Level = LogLevel.Information,
            Message = "{Source}: this agent is an owner; listing and watching the API server.")]
        public static partial void Owning(ILogger logger, string source);

        [LoggerMessage(EventId = 4021, EventName = "KubeSourceNotOwning", Level = LogLevel.Information,
            Message = "{Source}: no longer an owner; watches closed (the new owners keep the records).")]
        public static partial void NotOwning(ILogger logger, string source);

        [LoggerMessage(EventId = 4022, EventName = "KubeSourceWatching", Level = LogLevel.Information,
            Message = "{Source}: watching {Server} ({Namespaces}).")]
        public static partial void Watching(ILogger logger, string source, Uri server, string namespaces);

        [LoggerMessage(EventId = 4023, EventName = "KubeSourceUnconfigured", Level = LogLevel.Error,
            Message = "{Source} is offline: {Reason}.")]
        public static partial void Unconfigured(ILogger logger, string source, string reason);

        [LoggerMessage(EventId = 4024, EventName = "KubeSourceApplied", Level = LogLevel.Debug,
            Message = "{Source}: {Services} services mapped; {Written} records written, {Removed} removed.")]
        public static partial void Applied(ILogger logger, string source, int services, int written, int removed);

        [LoggerMessage(EventId = 4025, EventName = "KubeSourceSkipped", Level = LogLevel.Warning,
            Message = "{Source}: {Note}")]
        public static partial void Skipped(ILogger logger, string source, string note);

        [LoggerMessage(EventId = 4026, EventName = "KubeSourceConflict", Level = LogLevel.Warning,
            Message = "{Source}: same service name and version, different serviceId ({Conflict}); the more preferred source's copy is served.")]
        public static partial void Conflict(ILogger logger, string source, string conflict);

        [LoggerMessage(EventId = 4027, EventName = "KubeSourceSelfPreservation", Level = LogLevel.Warning,
            Message = "{Source}: a batch would remove {Count} instances at once (80 % or more of the source); held until later batches confirm it (self-preservation).")]
        public static partial void SelfPreservation(ILogger logger, string source, int count);

        [LoggerMessage(EventId = 4028, EventName = "KubeSourceSessionFailed", Level = LogLevel.Error,
            Message = "{Source}: the watch session failed unexpectedly; restarting it in 5 s. Its records are kept.")]
        public static partial void SessionFailed(ILogger logger, string source, Exception exception);
    }
}
