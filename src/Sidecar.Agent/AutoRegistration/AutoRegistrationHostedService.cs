namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Runs <see cref="AutoRegistrar"/> with the host. On shutdown (SIGTERM) the run stops, then the instance is
/// unregistered and the drain delay passes, all before Kestrel stops (it was registered earlier, so it stops later).
/// </summary>
internal sealed class AutoRegistrationHostedService(AutoRegistrar registrar) : BackgroundService
{
    private readonly AutoRegistrar _registrar = registrar;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _registrar.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _registrar.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
