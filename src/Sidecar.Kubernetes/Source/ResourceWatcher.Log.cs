using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Diagnostics;

namespace Sidecar.Kubernetes.Source;

internal sealed partial class ResourceWatcher<T>
{
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.KubeListed, EventName = "KubeListed", Level = LogLevel.Debug,
            Message = "Listed {Watch}: {Count} objects at resourceVersion {ResourceVersion}.")]
        public static partial void Listed(ILogger logger, string watch, int count, string resourceVersion);

        [LoggerMessage(EventId = EventIds.KubeGone, EventName = "KubeWatchGone", Level = LogLevel.Information,
            Message = "Watch {Watch}: resourceVersion {ResourceVersion} is too old (410 Gone); relisting.")]
        public static partial void Gone(ILogger logger, string watch, string resourceVersion);

        [LoggerMessage(EventId = EventIds.KubeWatchFailed, EventName = "KubeWatchFailed", Level = LogLevel.Warning,
            Message = "Watch {Watch} on {Server} failed: {Error}. Reconnecting with backoff; the source's records are kept and served marked stale.")]
        public static partial void WatchFailed(ILogger logger, string watch, string server, string error);

        [LoggerMessage(EventId = EventIds.KubeForbidden, EventName = "KubeForbidden", Level = LogLevel.Error,
            Message = "Watch {Watch} is forbidden by RBAC. Add this rule to the agents' ClusterRole (manifests/rbac-agent.yaml): {Rule}. The API server said: {Error}")]
        public static partial void Forbidden(ILogger logger, string watch, string rule, string error);

        [LoggerMessage(EventId = EventIds.KubeWatchRecovered, EventName = "KubeWatchRecovered", Level = LogLevel.Information,
            Message = "Watch {Watch} works again.")]
        public static partial void Recovered(ILogger logger, string watch);

        [LoggerMessage(EventId = EventIds.KubeWatchEndedAtOnce, EventName = "KubeWatchEndedAtOnce", Level = LogLevel.Warning,
            Message = "Watch {Watch} on {Server} was ended by the server right after it opened; reopening it with backoff (next in {Delay}).")]
        public static partial void EndedAtOnce(ILogger logger, string watch, string server, TimeSpan delay);
    }
}
