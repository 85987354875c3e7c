using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Diagnostics;

namespace Sidecar.Kubernetes.Webhook;

internal sealed partial class AdmissionReviewHandler
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.PodInjected, LogLevel.Information, "Injected the sidecar into pod {Namespace}/{PodName} ({OperationCount} patch operations)", EventName = "PodInjected")]
        public static partial void PodInjected(ILogger logger, string? @namespace, string? podName, int operationCount);

        [LoggerMessage(EventIds.PodSkipped, LogLevel.Debug, "Not injecting {Namespace}/{Name}: {Reason}", EventName = "PodSkipped")]
        public static partial void PodSkipped(ILogger logger, string? @namespace, string? name, string reason);

        [LoggerMessage(EventIds.PodRejected, LogLevel.Warning, "Refused pod {Namespace}/{PodName}: {Reason}. Fix the pod template's sidecar.servicecomb.io/* annotations.", EventName = "PodRejected")]
        public static partial void PodRejected(ILogger logger, string? @namespace, string? podName, string reason);

        [LoggerMessage(EventIds.MalformedReview, LogLevel.Warning, "Answered 400 to a malformed AdmissionReview: {Reason}", EventName = "MalformedReview")]
        public static partial void MalformedReview(ILogger logger, string reason);
    }
}
