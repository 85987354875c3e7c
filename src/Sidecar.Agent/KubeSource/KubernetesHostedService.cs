namespace Sidecar.Agent.KubeSource;

/// <summary>Runs the Kubernetes source on the host.</summary>
internal sealed class KubernetesHostedService(KubernetesSource source) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await source.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
