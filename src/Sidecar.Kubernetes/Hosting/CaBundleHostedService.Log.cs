using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Diagnostics;

namespace Sidecar.Kubernetes.Hosting;

internal sealed partial class CaBundleHostedService
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.CaBundlePatched, LogLevel.Information, "Published the generated CA into {WebhookConfiguration} ({WebhookCount} webhooks)", EventName = "CaBundlePatched")]
        public static partial void CaBundlePatched(ILogger logger, string webhookConfiguration, int webhookCount);

        [LoggerMessage(EventIds.CaBundleAlreadyCurrent, LogLevel.Information, "The caBundle of {WebhookConfiguration} already trusts the shared CA; ready", EventName = "CaBundleAlreadyCurrent")]
        public static partial void CaBundleAlreadyCurrent(ILogger logger, string webhookConfiguration);

        [LoggerMessage(EventIds.CaBundlePatchSkipped, LogLevel.Information, "Not running in a cluster (KUBERNETES_SERVICE_HOST unset): skipped patching the caBundle of {WebhookConfiguration}; still serving", EventName = "CaBundlePatchSkipped")]
        public static partial void CaBundlePatchSkipped(ILogger logger, string webhookConfiguration);

        [LoggerMessage(EventIds.CaBundlePatchFailed, LogLevel.Error, "Could not patch the caBundle of MutatingWebhookConfiguration {WebhookConfiguration}; retrying in {Delay}. If forbidden, grant the injector's ServiceAccount the ClusterRole rule {Rule} with resourceNames [{WebhookConfiguration}]", EventName = "CaBundlePatchFailed")]
        public static partial void CaBundlePatchFailed(ILogger logger, Exception exception, string webhookConfiguration, string rule, TimeSpan delay);
    }
}
