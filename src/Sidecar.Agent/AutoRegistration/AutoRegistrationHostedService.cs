namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Runs <see cref="AutoRegistrar"/> with the host. On shutdown (SIGTERM) the run stops, then the instance is
/// unregistered and the drain delay passes, all in <see cref="StoppingAsync"/>: the host calls it before it stops any
/// hosted service, so Kestrel (which ASP.NET Core stops first) still answers while peers and the app see the deletion.
/// </summary>
internal sealed class AutoRegistrationHostedService(AutoRegistrar registrar) : BackgroundService, IHostedLifecycleService
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

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the run, unregisters, drains; <see cref="BackgroundService.StopAsync"/> later finds nothing left to do.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken);
        try
        {
            await _registrar.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
