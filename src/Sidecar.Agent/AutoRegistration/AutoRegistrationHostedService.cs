namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Runs <see cref="AutoRegistrar"/> with the host, and drains: stops the run (so nothing registers the instance again),
/// unregisters the instance and waits the drain delay. A drain starts either from <c>GET /v1/drain</c> (the app
/// containers' <c>preStop</c> hook, so that consumers stop seeing the instance before the app gets SIGTERM) or from
/// the agent's own shutdown, in <see cref="StoppingAsync"/>: the host calls it before it stops any hosted service,
/// so Kestrel (which ASP.NET Core stops first) still answers while peers and the app see the deletion. Both share one
/// drain: it runs once.
/// </summary>
internal sealed class AutoRegistrationHostedService(AutoRegistrar registrar) : BackgroundService, IHostedLifecycleService
{
    private readonly AutoRegistrar _registrar = registrar;
    private readonly CancellationTokenSource _drain = new();
    private readonly Lock _gate = new();
    private Task<bool>? _draining;

    /// <summary>True once a drain started: the instance is (being) unregistered and stays so until the agent restarts.</summary>
    public bool Draining => Volatile.Read(ref _draining) is not null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _drain.Token);
        try
        {
            await _registrar.RunAsync(run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
        }
    }

    /// <summary>Drains once; every caller (and the shutdown) awaits the same drain.</summary>
    /// <returns>True when an instance was unregistered, false when none was registered (the app never answered).</returns>
    public Task<bool> DrainAsync()
    {
        lock (_gate)
        {
            return _draining ??= DrainOnceAsync();
        }
    }

    private async Task<bool> DrainOnceAsync()
    {
        // Let the lock go before cancelling: the run's cancellation callbacks must not run under it.
        await Task.Yield();
        await _drain.CancelAsync();
        if (ExecuteTask is { } run)
        {
            await run;
        }

        // Not cancellable: once started, a drain finishes (a kubelet timing out its preStop call changes nothing).
        return await _registrar.StopAsync(CancellationToken.None);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drains (or waits for the drain already running); <see cref="BackgroundService.StopAsync"/> later finds nothing left to do.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DrainAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
    }
}
