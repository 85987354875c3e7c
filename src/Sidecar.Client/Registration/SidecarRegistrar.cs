using System.Net;
using Microsoft.Extensions.Logging;
using Sidecar.Client.Agent;

namespace Sidecar.Client.Registration;

/// <summary>
/// Registers the app's service and instance with the local agent through the Service-Center v4 API, renews the lease
/// every <see cref="SidecarRegistrationOptions.HeartbeatInterval"/>, registers again when the agent no longer knows
/// the instance (deleted, or its lease ran out while the app could not reach the agent), and unregisters on stop.
/// </summary>
internal sealed partial class SidecarRegistrar(SidecarRegistrationOptions options, SidecarAgentClient agent, TimeProvider timeProvider, ILogger<SidecarRegistrar> logger)
{
    /// <summary>Lease misses tolerated, as Service-Center's default (TTL = interval * (times + 1)).</summary>
    private const int LeaseTimes = 3;
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(10);

    private readonly SidecarRegistrationOptions _options = options;
    private readonly SidecarAgentClient _agent = agent;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly ILogger _logger = logger;
    private (string ServiceId, string InstanceId)? _registered;

    private Uri Agent => _options.AgentAddress!;

    /// <summary>The registered service and instance ids, or null before registration and after unregistering.</summary>
    public (string ServiceId, string InstanceId)? Registered => _registered;

    /// <summary>Registers (retrying until the agent answers), then renews the lease until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await RegisterUntilDoneAsync(cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var (serviceId, instanceId) = _registered!.Value;
            try
            {
                var status = await _agent.HeartbeatAsync(Agent, serviceId, instanceId, cancellationToken).ConfigureAwait(false);
                if (status is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError)
                {
                    Log.HeartbeatRejected(_logger, _options.ServiceName!, instanceId, (int)status);
                    await RegisterUntilDoneAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The agent is down or restarting: keep the ids; the next heartbeat tells whether it still knows them.
                Log.HeartbeatFailed(_logger, _options.ServiceName!, instanceId, Agent, ex);
            }
        }
    }

    /// <summary>Deletes the instance so consumers stop calling it before the app exits.</summary>
    public async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        if (_registered is not var (serviceId, instanceId))
        {
            return;
        }

        _registered = null;
        try
        {
            var status = await _agent.UnregisterInstanceAsync(Agent, serviceId, instanceId, cancellationToken).ConfigureAwait(false);
            Log.Unregistered(_logger, _options.ServiceName!, instanceId, (int)status);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.UnregisterFailed(_logger, _options.ServiceName!, instanceId, Agent, ex);
        }
    }

    private async Task RegisterUntilDoneAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var service = new ServiceRecord(_options.AppId, _options.ServiceName!, _options.Version, _options.Environment);
                var serviceId = await _agent.RegisterServiceAsync(Agent, service, cancellationToken).ConfigureAwait(false);
                var instance = new InstanceRecord(
                    _registered?.InstanceId ?? _options.InstanceId,
                    _options.HostName,
                    [.. _options.Endpoints],
                    "UP",
                    new LeaseRecord("push", (int)_options.HeartbeatInterval.TotalSeconds, LeaseTimes),
                    _options.Properties.Count == 0 ? null : new Dictionary<string, string>(_options.Properties));
                var instanceId = await _agent.RegisterInstanceAsync(Agent, serviceId, instance, cancellationToken).ConfigureAwait(false);
                _registered = (serviceId, instanceId);
                Log.Registered(_logger, _options.ServiceName!, serviceId, instanceId, string.Join(',', _options.Endpoints), Agent);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var delay = TimeSpan.FromTicks(Math.Min(s_maxRetry.Ticks, TimeSpan.FromMilliseconds(500).Ticks << Math.Min(attempt - 1, 10)));
                Log.RegistrationFailed(_logger, _options.ServiceName!, Agent, delay.TotalSeconds, ex);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
