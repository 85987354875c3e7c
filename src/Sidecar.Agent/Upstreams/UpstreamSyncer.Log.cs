namespace Sidecar.Agent.Upstreams;

internal sealed partial class UpstreamSyncer
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, EventName = "UpstreamPullFailed", Level = LogLevel.Warning,
            Message = "Pulling {Source} from {Urls} failed: {Error}. Its last pulled records are kept and served marked stale; check that the URL is reachable from this pod (and the token, for RBAC).")]
        public static partial void PullFailed(ILogger logger, string source, string urls, string error);

        [LoggerMessage(EventId = 6002, EventName = "UpstreamRecovered", Level = LogLevel.Information,
            Message = "{Source} answers again; its records are fresh.")]
        public static partial void Recovered(ILogger logger, string source);

        [LoggerMessage(EventId = 6003, EventName = "UpstreamApplied", Level = LogLevel.Debug,
            Message = "{Source}: {Written} records written, {Removed} removed.")]
        public static partial void Applied(ILogger logger, string source, int written, int removed);

        [LoggerMessage(EventId = 6004, EventName = "UpstreamSelfPreservation", Level = LogLevel.Warning,
            Message = "{Source}: a pull would remove {Count} instances at once (80 % or more of the source); held until later pulls confirm it (self-preservation).")]
        public static partial void SelfPreservation(ILogger logger, string source, int count);

        [LoggerMessage(EventId = 6005, EventName = "UpstreamConflict", Level = LogLevel.Warning,
            Message = "{Source}: conflict, the same service key has another serviceId ({Conflict}); the preferred source's service is served, this one is not imported. Give the service one serviceId in every cluster.")]
        public static partial void Conflict(ILogger logger, string source, string conflict);

        [LoggerMessage(EventId = 6006, EventName = "UpstreamServiceIdConflict", Level = LogLevel.Warning,
            Message = "{Source}: serviceId conflict, {Conflict}. The two services are kept apart, never merged; give one of them another serviceId in its cluster (delete and register it again without that serviceId).")]
        public static partial void ServiceIdConflict(ILogger logger, string source, string conflict);
    }
}
