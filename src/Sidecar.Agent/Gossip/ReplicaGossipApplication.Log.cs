namespace Sidecar.Agent.Gossip;

internal sealed partial class ReplicaGossipApplication
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, EventName = "GossipMergeFailed", Level = LogLevel.Warning,
            Message = "Records received by gossip could not be merged into the replica; push-pull will offer them again. Check the data dir (disk space, permissions).")]
        public static partial void MergeFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2002, EventName = "GossipSourceDropped", Level = LogLevel.Information,
            Message = "Dropped source {Source} ({Count} records): its agent is dead or left the cluster.")]
        public static partial void SourceDropped(ILogger logger, string source, int count);

        [LoggerMessage(EventId = 2003, EventName = "GossipDropFailed", Level = LogLevel.Warning,
            Message = "Dropping source {Source} failed; its records stay until the next attempt. Check the data dir (disk space, permissions).")]
        public static partial void DropFailed(ILogger logger, Exception exception, string source);
    }
}
