using Microsoft.Extensions.Hosting;

namespace Sidecar.Client.Registration;

/// <summary>Runs <see cref="SidecarRegistrar"/> for the host's lifetime and unregisters when the host stops.</summary>
internal sealed class SidecarRegistrationHostedService(SidecarRegistrar registrar) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await registrar.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await registrar.UnregisterAsync(cancellationToken).ConfigureAwait(false);
    }
}
