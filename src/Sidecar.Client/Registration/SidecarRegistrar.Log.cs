using Microsoft.Extensions.Logging;
using Sidecar.Client.Diagnostics;

namespace Sidecar.Client.Registration;

internal sealed partial class SidecarRegistrar
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.Registered, LogLevel.Information, "Registered {ServiceName} ({ServiceId}) instance {InstanceId} at {Endpoints} with the Sidecar agent {AgentAddress}", EventName = "Registered")]
        public static partial void Registered(ILogger logger, string serviceName, string serviceId, string instanceId, string endpoints, Uri agentAddress);

        [LoggerMessage(EventIds.RegistrationFailed, LogLevel.Warning, "Registering {ServiceName} with the Sidecar agent {AgentAddress} failed; retrying in {RetrySeconds} s. Check that the agent runs and that SIDECAR_HTTP_ADDRESS points to it.", EventName = "RegistrationFailed")]
        public static partial void RegistrationFailed(ILogger logger, string serviceName, Uri agentAddress, double retrySeconds, Exception exception);

        [LoggerMessage(EventIds.HeartbeatRejected, LogLevel.Warning, "The Sidecar agent refused the heartbeat of {ServiceName} instance {InstanceId} ({StatusCode}): registering again", EventName = "HeartbeatRejected")]
        public static partial void HeartbeatRejected(ILogger logger, string serviceName, string instanceId, int statusCode);

        [LoggerMessage(EventIds.HeartbeatFailed, LogLevel.Warning, "Heartbeat of {ServiceName} instance {InstanceId} to the Sidecar agent {AgentAddress} failed; trying again at the next interval", EventName = "HeartbeatFailed")]
        public static partial void HeartbeatFailed(ILogger logger, string serviceName, string instanceId, Uri agentAddress, Exception exception);

        [LoggerMessage(EventIds.Unregistered, LogLevel.Information, "Unregistered {ServiceName} instance {InstanceId} (agent answered {StatusCode})", EventName = "Unregistered")]
        public static partial void Unregistered(ILogger logger, string serviceName, string instanceId, int statusCode);

        [LoggerMessage(EventIds.UnregisterFailed, LogLevel.Warning, "Unregistering {ServiceName} instance {InstanceId} from the Sidecar agent {AgentAddress} failed; its lease expires on its own", EventName = "UnregisterFailed")]
        public static partial void UnregisterFailed(ILogger logger, string serviceName, string instanceId, Uri agentAddress, Exception exception);
    }
}
