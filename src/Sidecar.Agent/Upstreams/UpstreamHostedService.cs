using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Upstreams;

/// <summary>Runs the syncers and the home mirror on the host; on shutdown unregisters the mirrored instances.</summary>
internal sealed class UpstreamHostedService(UpstreamSet upstreams, AgentOptions options, TimeProvider timeProvider) : BackgroundService
{
    private static readonly TimeSpan s_unregisterTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(upstreams.Syncers.Select(s => s.RunAsync(stoppingToken)).Append(MirrorAsync(stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (upstreams.Mirror is { } mirror)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_unregisterTimeout);
            await mirror.UnregisterAllAsync(timeout.Token);
        }
    }

    private async Task MirrorAsync(CancellationToken stoppingToken)
    {
        if (upstreams.Mirror is not { } mirror)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await mirror.RoundAsync(stoppingToken);
            await Task.Delay(options.SyncInterval, timeProvider, stoppingToken);
        }
    }
}
