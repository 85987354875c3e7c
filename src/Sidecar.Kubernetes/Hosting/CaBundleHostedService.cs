using k8s.Autorest;
using k8s.Exceptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// Publishes a generated CA into the webhook configuration once, retrying with backoff; outside a cluster it says
/// once that it skipped. With a mounted certificate the caBundle is someone else's job (cert-manager, the installer).
/// </summary>
internal sealed partial class CaBundleHostedService(
    WebhookCertificate certificate,
    InjectorOptions options,
    InClusterClientFactory clientFactory,
    CaBundleReadiness readiness,
    TimeProvider timeProvider,
    ILogger<CaBundleHostedService> logger) : BackgroundService
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (certificate.GeneratedCaPem is not { } caPem)
        {
            return;
        }

        using var client = clientFactory();
        if (client is null)
        {
            Log.CaBundlePatchSkipped(_logger, options.WebhookConfigurationName);
            readiness.MarkReady();
            return;
        }

        var patcher = new CaBundlePatcher(client);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var count = await patcher.PatchAsync(options.WebhookConfigurationName, caPem, stoppingToken);
                if (count > 0)
                {
                    Log.CaBundlePatched(_logger, options.WebhookConfigurationName, count);
                }
                else
                {
                    Log.CaBundleAlreadyCurrent(_logger, options.WebhookConfigurationName);
                }

                readiness.MarkReady();
                return;
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or KubeConfigException or IOException)
            {
                Log.CaBundlePatchFailed(_logger, ex, options.WebhookConfigurationName, CaBundlePatcher.RequiredRule.ToString(), delay);
            }

            try
            {
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxDelay.Ticks));
        }
    }
}
