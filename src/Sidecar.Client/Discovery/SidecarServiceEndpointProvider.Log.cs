using Microsoft.Extensions.Logging;
using Sidecar.Client.Diagnostics;

namespace Sidecar.Client.Discovery;

internal sealed partial class SidecarServiceEndpointProvider
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.Resolved, LogLevel.Debug, "Resolved '{ServiceName}' as '{ResolvedName}' at index {Index}: {Count} endpoint(s)", EventName = "Resolved")]
        public static partial void Resolved(ILogger logger, string serviceName, string resolvedName, long index, int count);

        [LoggerMessage(EventIds.Skipped, LogLevel.Debug, "Not resolving '{ServiceName}' through the Sidecar agent: an earlier provider already found endpoints", EventName = "Skipped")]
        public static partial void Skipped(ILogger logger, string serviceName);

        [LoggerMessage(EventIds.AgentUnreachable, LogLevel.Warning, "Watching '{ServiceName}' at the Sidecar agent {AgentAddress} failed; keeping the last answer ({Count} endpoint(s)), retrying in {RetrySeconds} s. Check that the agent runs and that SIDECAR_HTTP_ADDRESS points to it.", EventName = "AgentUnreachable")]
        public static partial void AgentUnreachable(ILogger logger, string serviceName, Uri agentAddress, int count, double retrySeconds, Exception exception);

        [LoggerMessage(EventIds.AgentReachableAgain, LogLevel.Information, "Watching '{ServiceName}' at the Sidecar agent {AgentAddress} works again after {Failures} failure(s)", EventName = "AgentReachableAgain")]
        public static partial void AgentReachableAgain(ILogger logger, string serviceName, Uri agentAddress, int failures);

        [LoggerMessage(EventIds.FirstLookupFailed, LogLevel.Error, "Resolving '{ServiceName}' through the Sidecar agent {AgentAddress} failed and no earlier answer exists. Check that the agent runs and that SIDECAR_HTTP_ADDRESS points to it.", EventName = "FirstLookupFailed")]
        public static partial void FirstLookupFailed(ILogger logger, string serviceName, Uri agentAddress, Exception exception);
    }
}
