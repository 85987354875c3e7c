using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Registers the pod's app as a local (<c>agent:&lt;self&gt;</c>) service and instance once its port answers, keeps the
/// lease alive without app heartbeats, marks the instance DOWN while the port fails and UP when it recovers, and on
/// shutdown unregisters it and waits a drain period (spec/kubernetes.md section 3).
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> and <see cref="StopAsync"/> never overlap: the hosted service stops the run before it stops.
/// </remarks>
internal sealed partial class AutoRegistrar(AutoRegistrationOptions options, LocalRegistry registry, IAppProbe probe, TimeProvider timeProvider, ILogger<AutoRegistrar> logger)
{
    private readonly AutoRegistrationOptions _options = options;
    private readonly LocalRegistry _registry = registry;
    private readonly IAppProbe _probe = probe;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly ILogger _logger = logger;
    private ServiceRef? _service;
    private readonly string _endpoints = string.Join(',', options.Instance.Endpoints ?? []);
    private string _status = "UP";
    private int _failures;
    private long _lastRenew;

    private string InstanceId => _options.Instance.InstanceId!;

    /// <summary>The registered service, or null before the app answered (or after unregistering).</summary>
    public ServiceRef? Registered => _service;

    /// <summary>Waits for the app port, registers, then probes and renews until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.WaitingForApp(_logger, _options.Service.ServiceName!, Target);
        while (!await _probe.ProbeAsync(cancellationToken))
        {
            await Task.Delay(_options.ProbeInterval, _timeProvider, cancellationToken);
        }

        // A refused or failed registration (a quota, a store that cannot write) is retried forever, with capped backoff:
        // giving up would leave the pod's app undiscoverable until someone restarts the agent.
        var retry = _options.RetryDelay;
        while (!await TryAsync("register", RegisterAsync, cancellationToken))
        {
            Log.RetryingRegistration(_logger, _options.Service.ServiceName!, retry.TotalSeconds);
            await Task.Delay(retry, _timeProvider, cancellationToken);
            retry = retry * 2 < _options.MaxRetryDelay ? retry * 2 : _options.MaxRetryDelay;
        }

        _failures = 0;
        _lastRenew = _timeProvider.GetTimestamp();
        using var timer = new PeriodicTimer(_options.ProbeInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await TryAsync("probe and renew", TickAsync, cancellationToken);
        }
    }

    /// <summary>One probe period: the instance's status follows the probe; the lease is renewed when due.</summary>
    private async Task<bool> TickAsync(CancellationToken cancellationToken)
    {
        var healthy = await _probe.ProbeAsync(cancellationToken);
        _failures = healthy ? 0 : _failures + 1;
        if (healthy && _status != "UP")
        {
            await SetStatusAsync("UP", cancellationToken);
            Log.AppUp(_logger, _options.Service.ServiceName!, InstanceId, Target);
        }
        else if (!healthy && _failures >= _options.FailureThreshold && _status == "UP")
        {
            await SetStatusAsync("DOWN", cancellationToken);
            Log.AppDown(_logger, _options.Service.ServiceName!, InstanceId, Target, _failures);
        }

        if (_timeProvider.GetElapsedTime(_lastRenew) >= _options.RenewInterval)
        {
            _lastRenew = _timeProvider.GetTimestamp();
            await RenewAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Runs a step; an unexpected error is logged and reported as a failure instead of ending the run.</summary>
    private async Task<bool> TryAsync(string step, Func<CancellationToken, Task<bool>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StepFailed(_logger, step, _options.Service.ServiceName!, ex);
            return false;
        }
    }

    /// <summary>Unregisters the instance (if registered), then waits the drain delay so peers see the deletion first.</summary>
    /// <returns>True when an instance was unregistered.</returns>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        if (_service is not { } service)
        {
            return false;
        }

        _service = null;
        var result = await _registry.UnregisterInstanceAsync(service, InstanceId, cancellationToken);
        if (!result.Ok)
        {
            Log.WriteFailed(_logger, "unregister", InstanceId, result.Error!.Detail ?? result.Error.ErrorMessage);
        }

        Log.Unregistered(_logger, _options.Service.ServiceName!, InstanceId, _options.DrainDelay.TotalSeconds);
        if (_options.DrainDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.DrainDelay, _timeProvider, cancellationToken);
        }

        return true;
    }

    private string Target => _options.HealthPath is null
        ? $"tcp {_options.ProbeHost}:{_options.AppPort}"
        : $"http {_options.ProbeHost}:{_options.AppPort}{_options.HealthPath}";

    /// <summary>Registers the service and the instance; an instance that survived a restart (persisted) is renewed and set UP.</summary>
    private async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        var tenant = Tenant.Default;
        var serviceId = await _registry.RegisterServiceAsync(tenant, new CreateServiceRequest { Service = _options.Service }, cancellationToken);
        if (!serviceId.Ok)
        {
            Log.WriteFailed(_logger, "register service", _options.Service.ServiceName!, serviceId.Error!.Detail ?? serviceId.Error.ErrorMessage);
            return false;
        }

        var service = new ServiceRef(tenant.Domain, tenant.Project, serviceId.Value!);
        var instanceId = await _registry.RegisterInstanceAsync(service, _options.Instance, cancellationToken);
        if (!instanceId.Ok)
        {
            Log.WriteFailed(_logger, "register instance", InstanceId, instanceId.Error!.Detail ?? instanceId.Error.ErrorMessage);
            return false;
        }

        _service = service;
        _status = CurrentStatus(service) ?? "UP";
        if (_status != "UP")
        {
            // A persisted copy from before a restart may still say DOWN; the app answers now.
            await SetStatusAsync("UP", cancellationToken);
        }

        Log.Registered(_logger, _options.Service.ServiceName!, service.ServiceId, InstanceId, _endpoints);
        return true;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var service = _service!.Value;
        var renewed = await _registry.HeartbeatAsync(service, InstanceId, cancellationToken);
        if (renewed.Ok)
        {
            return;
        }

        // Deleted through the API, or the lease ran out while the agent was stalled: register again, keeping the status.
        Log.Reregistering(_logger, InstanceId, renewed.Error!.Detail ?? renewed.Error.ErrorMessage);
        var status = _status;
        if (await RegisterAsync(cancellationToken) && status != "UP")
        {
            await SetStatusAsync(status, cancellationToken);
        }
    }

    private async Task SetStatusAsync(string status, CancellationToken cancellationToken)
    {
        var result = await _registry.UpdateInstanceStatusAsync(_service!.Value, InstanceId, status, cancellationToken);
        if (result.Ok)
        {
            _status = status;
        }
        else
        {
            Log.WriteFailed(_logger, "set status " + status, InstanceId, result.Error!.Detail ?? result.Error.ErrorMessage);
        }
    }

    private string? CurrentStatus(ServiceRef service) =>
        _registry.Replica.Snapshot.Services.TryGetValue(service, out var view)
            ? view.Instances.FirstOrDefault(i => i.Source == _registry.Replica.LocalSource && i.Instance.InstanceId == InstanceId)?.Instance.Status
            : null;
}
