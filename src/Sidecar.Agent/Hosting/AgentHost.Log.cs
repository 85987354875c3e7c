namespace Sidecar.Agent.Hosting;

internal static partial class AgentHost
{
    // Event ids 81xx: the command line and the agent's start.
    private static partial class Log
    {
        [LoggerMessage(EventId = 8101, EventName = "AgentStarted", Level = LogLevel.Information,
            Message = "Sidecar agent {NodeName} serving the Service-Center API on {Listen} (data dir {DataDir}, gossip {Gossip}, logs {LogFormat})")]
        public static partial void AgentStarted(ILogger logger, string nodeName, System.Net.IPEndPoint listen, string dataDir, string gossip, string logFormat);
    }
}
