namespace Sidecar.Agent.AutoRegistration;

internal sealed partial class AutoRegistrar
{
    // Event ids 7xxx: auto-registration of the pod's app.
    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, EventName = "WaitingForApp", Level = LogLevel.Information,
            Message = "Auto-registration of {ServiceName}: waiting until the app answers on {Target}.")]
        public static partial void WaitingForApp(ILogger logger, string serviceName, string target);

        [LoggerMessage(EventId = 7002, EventName = "Registered", Level = LogLevel.Information,
            Message = "Registered {ServiceName} ({ServiceId}) instance {InstanceId} at {Endpoints}; the agent keeps its lease alive.")]
        public static partial void Registered(ILogger logger, string serviceName, string serviceId, string instanceId, string endpoints);

        [LoggerMessage(EventId = 7003, EventName = "AppDown", Level = LogLevel.Warning,
            Message = "The app of {ServiceName} does not answer on {Target} ({Failures} probes in a row); instance {InstanceId} marked DOWN.")]
        public static partial void AppDown(ILogger logger, string serviceName, string instanceId, string target, int failures);

        [LoggerMessage(EventId = 7004, EventName = "AppUp", Level = LogLevel.Information,
            Message = "The app of {ServiceName} answers again on {Target}; instance {InstanceId} marked UP.")]
        public static partial void AppUp(ILogger logger, string serviceName, string instanceId, string target);

        [LoggerMessage(EventId = 7005, EventName = "Reregistering", Level = LogLevel.Warning,
            Message = "The lease of instance {InstanceId} could not be renewed ({Reason}); registering it again.")]
        public static partial void Reregistering(ILogger logger, string instanceId, string reason);

        [LoggerMessage(EventId = 7006, EventName = "Unregistered", Level = LogLevel.Information,
            Message = "Draining: unregistered {ServiceName} instance {InstanceId}; waiting {DrainSeconds} s so peers see it (the instance is not registered again until the agent restarts).")]
        public static partial void Unregistered(ILogger logger, string serviceName, string instanceId, double drainSeconds);

        [LoggerMessage(EventId = 7007, EventName = "WriteFailed", Level = LogLevel.Error,
            Message = "Auto-registration could not {Operation} {Target}: {Reason}. Check the SIDECAR_APP_*/SIDECAR_SERVICE_NAME env of the sidecar container (pod annotations sidecar.servicecomb.io/*).")]
        public static partial void WriteFailed(ILogger logger, string operation, string target, string reason);

        [LoggerMessage(EventId = 7008, EventName = "RetryingRegistration", Level = LogLevel.Warning,
            Message = "Auto-registration of {ServiceName} did not succeed; trying again in {DelaySeconds} s (the delay doubles up to a cap, and retries never stop).")]
        public static partial void RetryingRegistration(ILogger logger, string serviceName, double delaySeconds);

        [LoggerMessage(EventId = 7009, EventName = "StepFailed", Level = LogLevel.Error,
            Message = "Auto-registration step '{Step}' of {ServiceName} failed unexpectedly; auto-registration keeps running and tries again.")]
        public static partial void StepFailed(ILogger logger, string step, string serviceName, Exception exception);
    }
}
