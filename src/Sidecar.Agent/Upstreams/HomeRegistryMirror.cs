using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Mirrors this agent's own registrations (<c>agent:&lt;self&gt;</c>, tenant default/default) into the home Service-Center:
/// registers each service (with its serviceId) and instance (with its instanceId), heartbeats them every round,
/// re-registers an instance the upstream lost (400017), unregisters what was removed locally, and unregisters
/// everything on shutdown. While the upstream is down local registrations still succeed; rounds keep retrying, so
/// they are replayed when it is back.
/// </summary>
internal sealed partial class HomeRegistryMirror(UpstreamClient client, Replica replica, ILogger logger)
{
    private const string Registry = "/v4/default/registry";

    /// <summary>Instances known to be registered at home: instanceId → serviceId.</summary>
    private readonly Dictionary<string, string> _registered = new(StringComparer.Ordinal);
    private bool _failing;

    public IReadOnlyCollection<string> Registered => _registered.Keys;

    /// <summary>One round: register what is missing, heartbeat what is there, unregister what is gone.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            var local = LocalInstances();
            foreach (var (service, instance) in local)
            {
                if (_registered.ContainsKey(instance.InstanceId!))
                {
                    var beat = await client.SendAsync(HttpMethod.Put, $"{Registry}/microservices/{service.ServiceId}/instances/{instance.InstanceId}/heartbeat", null, cancellationToken);
                    if (beat.IsOk)
                    {
                        continue;
                    }

                    // 400017 (or 400012): the upstream lost it (lease expired while we could not reach it, or it restarted).
                    _registered.Remove(instance.InstanceId!);
                    Log.Reregistering(logger, instance.InstanceId!, (int)beat.Status);
                }

                await RegisterAsync(service, instance, cancellationToken);
            }

            var gone = _registered.Where(r => !local.Any(l => l.Instance.InstanceId == r.Key)).ToList();
            foreach (var (instanceId, serviceId) in gone)
            {
                await client.SendAsync(HttpMethod.Delete, $"{Registry}/microservices/{serviceId}/instances/{instanceId}", null, cancellationToken);
                _registered.Remove(instanceId);
            }

            if (_failing)
            {
                _failing = false;
                Log.Recovered(logger, _registered.Count);
            }
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            if (!_failing)
            {
                _failing = true;
                Log.Failed(logger, string.Join(", ", client.Endpoint.Urls), ex.Message);
            }
        }
    }

    /// <summary>Unregisters every mirrored instance (on shutdown); best effort.</summary>
    public async Task UnregisterAllAsync(CancellationToken cancellationToken)
    {
        foreach (var (instanceId, serviceId) in _registered.ToList())
        {
            try
            {
                await client.SendAsync(HttpMethod.Delete, $"{Registry}/microservices/{serviceId}/instances/{instanceId}", null, cancellationToken);
                _registered.Remove(instanceId);
            }
            catch (Exception ex) when (IsFailure(ex, cancellationToken) || ex is OperationCanceledException)
            {
                Log.UnregisterFailed(logger, instanceId, ex.Message);
                return;
            }
        }
    }

    private List<(MicroService Service, MicroServiceInstance Instance)> LocalInstances() =>
        [.. replica.Snapshot.Services.Values
            .Where(s => s.Ref.Domain == Tenant.Default.Domain && s.Ref.Project == Tenant.Default.Project)
            .SelectMany(s => s.Instances.Where(i => i.Source == replica.LocalSource && i.Instance.InstanceId is { Length: > 0 })
                .Select(i => (s.Service with { ServiceId = s.Ref.ServiceId }, i.Instance)))];

    private async Task RegisterAsync(MicroService service, MicroServiceInstance instance, CancellationToken cancellationToken)
    {
        var serviceBody = JsonSerializer.SerializeToUtf8Bytes(new CreateServiceRequest { Service = service }, SidecarJsonContext.Default.CreateServiceRequest);
        var created = await client.SendAsync(HttpMethod.Post, $"{Registry}/microservices", serviceBody, cancellationToken);
        if (!created.IsOk && !created.IsError(400010))
        {
            throw new UpstreamException($"registering service {service.ServiceId} answered {(int)created.Status}: {created.Excerpt()}", transient: false);
        }

        var instanceBody = JsonSerializer.SerializeToUtf8Bytes(new RegisterInstanceRequest { Instance = instance }, SidecarJsonContext.Default.RegisterInstanceRequest);
        var registered = await client.SendAsync(HttpMethod.Post, $"{Registry}/microservices/{service.ServiceId}/instances", instanceBody, cancellationToken);
        if (!registered.IsOk)
        {
            throw new UpstreamException($"registering instance {instance.InstanceId} answered {(int)registered.Status}: {registered.Excerpt()}", transient: false);
        }

        _registered[instance.InstanceId!] = service.ServiceId!;
    }

    private static bool IsFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or UpstreamException or TimeoutRejectedException or BrokenCircuitException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
