using System.Net;
using System.Net.Sockets;
using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

internal sealed partial class GossipAgent
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, EventName = "GossipStarted", Level = LogLevel.Information,
            Message = "Gossip started as {Name} at {Address} (incarnation {Incarnation}), listening on {Bind} (UDP and TCP).")]
        public static partial void Started(ILogger logger, string name, string address, uint incarnation, IPEndPoint bind);

        [LoggerMessage(EventId = 2202, EventName = "GossipJoined", Level = LogLevel.Information,
            Message = "Joined the cluster: {Members} live members.")]
        public static partial void Joined(ILogger logger, int members);

        [LoggerMessage(EventId = 2203, EventName = "GossipJoinRetry", Level = LogLevel.Warning,
            Message = "No member answered through --join {Join}; retrying in {Backoff}. Check that the peers run with the same --gossip-key and that UDP and TCP reach their gossip port.")]
        public static partial void JoinRetry(ILogger logger, string join, TimeSpan backoff);

        [LoggerMessage(EventId = 2204, EventName = "GossipResolveFailed", Level = LogLevel.Warning,
            Message = "--join host {Host} did not resolve ({Error}); it is tried again with the next join attempt.")]
        public static partial void ResolveFailed(ILogger logger, string host, SocketError error);

        [LoggerMessage(EventId = 2205, EventName = "GossipLeft", Level = LogLevel.Information,
            Message = "{Name} left the cluster.")]
        public static partial void Left(ILogger logger, string name);

        [LoggerMessage(EventId = 2206, EventName = "GossipNameConflict", Level = LogLevel.Error,
            Message = "Another agent at {Address} announces itself as {Name}, this agent's name: give one of them another --node-name (or its own --data-dir).")]
        public static partial void NameConflictLater(ILogger logger, string name, string address);
    

        [LoggerMessage(EventId = 2220, EventName = "GossipMemberState", Level = LogLevel.Information,
            Message = "Member {Name} at {Address} is now {State}.")]
        public static partial void MemberStateChanged(ILogger logger, string name, string address, MemberState state);

        [LoggerMessage(EventId = 2210, EventName = "GossipSavedMembersLoaded", Level = LogLevel.Information,
            Message = "Rejoining through {Live} members saved by the previous run (and reconnecting to {Failed} failed ones) as well as --join.")]
        public static partial void SavedMembersLoaded(ILogger logger, int live, int failed);

        [LoggerMessage(EventId = 2211, EventName = "GossipReconnecting", Level = LogLevel.Debug,
            Message = "Trying to reconnect to failed member {Name} at {Address}.")]
        public static partial void Reconnecting(ILogger logger, string name, string address);

        [LoggerMessage(EventId = 2212, EventName = "GossipReconnected", Level = LogLevel.Information,
            Message = "Member {Name} is alive again, {After} after it was seen failed.")]
        public static partial void Reconnected(ILogger logger, string name, TimeSpan after);

        [LoggerMessage(EventId = 2213, EventName = "GossipReconnectGaveUp", Level = LogLevel.Information,
            Message = "Stopped trying to reconnect to failed member {Name}: failed for longer than {Timeout}.")]
        public static partial void ReconnectGaveUp(ILogger logger, string name, TimeSpan timeout);
    }
}
