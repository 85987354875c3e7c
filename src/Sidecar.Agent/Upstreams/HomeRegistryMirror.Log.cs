namespace Sidecar.Agent.Upstreams;

internal sealed partial class HomeRegistryMirror
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, EventName = "HomeMirrorFailed", Level = LogLevel.Warning,
            Message = "Mirroring local registrations to the home Service-Center {Urls} failed: {Error}. Registrations keep working locally and are replayed when it answers; check --registry-upstream and its token.")]
        public static partial void Failed(ILogger logger, string urls, string error);

        [LoggerMessage(EventId = 6102, EventName = "HomeMirrorRecovered", Level = LogLevel.Information,
            Message = "The home Service-Center answers again; {Count} instances are registered there.")]
        public static partial void Recovered(ILogger logger, int count);

        [LoggerMessage(EventId = 6103, EventName = "HomeMirrorReregistering", Level = LogLevel.Information,
            Message = "The home Service-Center lost instance {InstanceId} (heartbeat answered {Status}); registering it again with the same id.")]
        public static partial void Reregistering(ILogger logger, string instanceId, int status);

        [LoggerMessage(EventId = 6104, EventName = "HomeMirrorUnregisterFailed", Level = LogLevel.Warning,
            Message = "Could not unregister instance {InstanceId} from the home Service-Center on shutdown ({Error}); it expires there with its lease.")]
        public static partial void UnregisterFailed(ILogger logger, string instanceId, string error);
    }
}
