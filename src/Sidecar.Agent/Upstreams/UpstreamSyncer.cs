using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Sidecar.Agent.Sources;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Pulls one remote Service-Center into source <c>sc:&lt;name&gt;</c>: <c>GET /v4/default/registry/microservices</c>, then
/// <c>GET .../microservices/{id}/instances?rev=</c> per service, so that an unchanged service costs a 304. Only this
/// agent's owned upstreams are pulled. A failed pull changes nothing: the source turns stale with the error.
/// </summary>
internal sealed partial class UpstreamSyncer
{
    private const string ServicesPath = "/v4/default/registry/microservices";

    private readonly UpstreamClient _client;
    private readonly Replica _replica;
    private readonly SourceTracker _tracker;
    private readonly IUpstreamOwnership _ownership;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly SourceDiff _diff;
    private readonly ISyncCursorStore _cursors;
    private readonly Histogram<double>? _pullDuration;
    private Dictionary<string, string> _revisions;
    private bool _failing;

    public UpstreamSyncer(UpstreamClient client, Replica replica, SourceTracker tracker, IUpstreamOwnership ownership, TimeProvider timeProvider, TimeSpan interval, ILogger logger,
        ISyncCursorStore? cursors = null, Histogram<double>? pullDuration = null)
    {
        _pullDuration = pullDuration;
        _cursors = cursors ?? NullSyncCursorStore.Instance;
        _revisions = new(_cursors.LoadCursors(client.Endpoint.Source), StringComparer.Ordinal);
        _client = client;
        _replica = replica;
        _tracker = tracker;
        _ownership = ownership;
        _timeProvider = timeProvider;
        _interval = interval;
        _logger = logger;
        _diff = new SourceDiff(client.Endpoint.Source, replica.NodeName);
    }

    public string Source => _client.Endpoint.Source;

    /// <summary>Pulls every interval while this agent owns the source, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_ownership.IsOwner(Source))
            {
                await PullAsync(cancellationToken);
            }

            await Task.Delay(_interval, _timeProvider, cancellationToken);
        }
    }

    /// <summary>One pull; null when the upstream failed (nothing was changed, the source is stale).</summary>
    public async Task<PullResult?> PullAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var result = await PullOnceAsync(cancellationToken);
        _pullDuration?.Record(_timeProvider.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("source", Source), new KeyValuePair<string, object?>("outcome", result is null ? "failure" : "success"));
        return result;
    }

    private async Task<PullResult?> PullOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (pulled, revisions) = await FetchAsync(cancellationToken);
            var result = await _replica.WriteAsync(writer => _diff.Apply(writer, _replica, pulled), cancellationToken);
            // A held removal must be seen again: forget the revisions so the next pull reads every list in full.
            var next = result.HeldRemovals > 0 ? new Dictionary<string, string>(StringComparer.Ordinal) : revisions;
            if (!(next.Count == _revisions.Count && next.All(p => _revisions.GetValueOrDefault(p.Key) == p.Value)))
            {
                _cursors.SaveCursors(Source, next);
            }

            _revisions = next;
            _tracker.Confirm(Source);
            if (_failing)
            {
                _failing = false;
                Log.Recovered(_logger, Source);
            }

            foreach (var conflict in result.Conflicts)
            {
                Log.Conflict(_logger, Source, conflict);
            }

            foreach (var conflict in result.ServiceIdConflicts)
            {
                Log.ServiceIdConflict(_logger, Source, conflict);
            }

            if (result.HeldRemovals > 0)
            {
                Log.SelfPreservation(_logger, Source, result.HeldRemovals);
            }
            else if (result.Written + result.Removed > 0)
            {
                Log.Applied(_logger, Source, result.Written, result.Removed);
            }

            return result;
        }
        catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
        {
            var error = ex is BrokenCircuitException ? "circuit open after repeated failures: " + ex.Message : ex.Message;
            _tracker.Fail(Source, error);
            if (!_failing)
            {
                _failing = true;
                Log.PullFailed(_logger, Source, string.Join(", ", _client.Endpoint.Urls), error);
            }

            return null;
        }
    }

    private static bool IsUpstreamFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or UpstreamException or TimeoutRejectedException or BrokenCircuitException or JsonException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private async Task<(Dictionary<string, PulledService> Pulled, Dictionary<string, string> Revisions)> FetchAsync(CancellationToken cancellationToken)
    {
        var list = await _client.SendAsync(HttpMethod.Get, ServicesPath, null, cancellationToken);
        if (!list.IsOk)
        {
            var hint = list.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? $" (set SIDECAR_UPSTREAM_TOKEN_{_client.Endpoint.Name.ToUpperInvariant().Replace('-', '_')} to a Service-Center RBAC token)"
                : "";
            throw new UpstreamException($"GET {ServicesPath} answered {(int)list.Status}{hint}", transient: false);
        }

        var services = PulledJson.Services(list, "GET " + ServicesPath, UpstreamDefaults.MaxServices);
        var snapshot = _replica.Snapshot;
        var pulled = new Dictionary<string, PulledService>(StringComparer.Ordinal);
        var revisions = new Dictionary<string, string>(StringComparer.Ordinal);
        var instanceBudget = UpstreamDefaults.MaxInstances;
        foreach (var service in services)
        {
            // Service-Center lists itself as SERVICECENTER: that is the remote's infrastructure, not its apps.
            var serviceId = service.ServiceId!;
            if (service.ServiceName == "SERVICECENTER")
            {
                continue;
            }

            var rev = _revisions.GetValueOrDefault(serviceId);
            var path = $"{ServicesPath}/{Uri.EscapeDataString(serviceId)}/instances" + (rev is null ? "" : "?rev=" + Uri.EscapeDataString(rev));
            var answer = await _client.SendAsync(HttpMethod.Get, path, null, cancellationToken);
            if (answer.Status == HttpStatusCode.NotModified && rev is not null)
            {
                // Unchanged: its instances, already held, still count towards the pull's instance limit.
                instanceBudget -= snapshot.Service(Tenant.Default.Domain, Tenant.Default.Project, serviceId)?.Instances.Count(i => i.Source == Source) ?? 0;
                pulled[serviceId] = new PulledService(service, null);
                revisions[serviceId] = rev;
                continue;
            }

            if (!answer.IsOk)
            {
                // Deleted between the two calls (400012): absent from this pull.
                continue;
            }

            var all = PulledJson.Instances(answer, "GET " + path, serviceId, Math.Max(instanceBudget, 0), UpstreamDefaults.MaxInstances);
            instanceBudget -= all.Count;
            var instances = all
                .Where(i => Exportable(i, snapshot, serviceId))
                .Select(i => Marked(i, serviceId))
                .ToList();
            if (answer.Revision is { } revision)
            {
                revisions[serviceId] = revision;
            }

            // A service whose every instance is someone else's copy (or that has none) is not imported: services
            // would otherwise bounce between two clusters that pull each other.
            if (instances.Count > 0)
            {
                pulled[serviceId] = new PulledService(service, instances);
            }
        }

        return (pulled, revisions);
    }

    /// <summary>
    /// Loop prevention: an instance that already carries a <c>cluster</c> property was aggregated by the remote from
    /// another cluster (an agent marks every pulled instance), so it is not its own; an instance this cluster's agents
    /// hold themselves is our own registration echoed back (e.g. mirrored into that Service-Center).
    /// </summary>
    private static bool Exportable(MicroServiceInstance instance, RegistrySnapshot snapshot, string serviceId) =>
        instance.InstanceId is { } instanceId
        && instance.Properties?.ContainsKey(UpstreamDefaults.ClusterProperty) != true
        && !(snapshot.Service(Tenant.Default.Domain, Tenant.Default.Project, serviceId)?.InstancesById.TryGetValue(instanceId, out var local) == true
            && local.Source.StartsWith("agent:", StringComparison.Ordinal));

    private MicroServiceInstance Marked(MicroServiceInstance instance, string serviceId)
    {
        var properties = new Dictionary<string, string>(instance.Properties ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [UpstreamDefaults.ClusterProperty] = _client.Endpoint.Name,
        };
        return instance with { ServiceId = serviceId, Properties = properties };
    }
}
