using System.Collections.Immutable;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using Sidecar.Versioning;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>Discovery: find (I4) and batch find (I5). The find path is the agent's hot path.</summary>
internal static class FindEndpoints
{
    public static void Map(RouteGroupBuilder registry)
    {
        registry.MapGet("/instances", Find);
        registry.MapPost("/instances/action", BatchFind);
    }

    private static async Task Find(HttpContext context, Replica replica, LocalRegistry registry)
    {
        var (appId, serviceName, env, tags) = (Query(context, "appId"), Query(context, "serviceName"), Query(context, "env"), Query(context, "tags"));
        var consumerId = InstanceEndpoints.ConsumerIdOf(context);
        var error = FindValidator.Validate(appId, serviceName, env, tags, consumerId);
        if (!VersionRule.TryParse(Query(context, "version"), out var rule) && error is null)
        {
            error = ScError.InvalidParams($"invalid version rule '{Query(context, "version")}'");
        }

        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var snapshot = replica.Snapshot;
        var tagList = tags?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var found = Discovery.Find(snapshot, TenantOf(context), consumerId, env, appId!, serviceName!, rule, tagList);
        if (!found.Ok)
        {
            await WriteErrorAsync(context, found.Error!);
            return;
        }

        var result = found.Value;
        await InstanceEndpoints.RecordDependencyAsync(context, registry, result.NewDependency, result.Provider);
        await InstanceEndpoints.WriteDiscoveryAsync(context, result.Body, result.Revision, result.Sources);
    }

    private static async Task BatchFind(HttpContext context, Replica replica, LocalRegistry registry)
    {
        if (Query(context, "type") != "query")
        {
            await WriteErrorAsync(context, ScError.InvalidParams("Invalid action: " + Query(context, "type")));
            return;
        }

        var body = await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.BatchFindRequest);
        var consumerId = InstanceEndpoints.ConsumerIdOf(context);
        var error = body.Error
            ?? (body.Value!.Services is not { Count: > 0 } && body.Value.Instances is not { Count: > 0 }
                ? ScError.InvalidParams("services and instances are both empty")
                : null)
            ?? ValidateBatch(body.Value, consumerId);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var snapshot = replica.Snapshot;
        var tenant = TenantOf(context);
        var services = body.Value!.Services is { Count: > 0 } serviceItems
            ? await FindServicesAsync(context, registry, snapshot, tenant, consumerId, serviceItems)
            : null;
        var instances = body.Value.Instances is { Count: > 0 } instanceItems
            ? await FindInstancesAsync(context, registry, snapshot, tenant, consumerId, instanceItems)
            : null;
        var sources = snapshot.Services.Values.Where(s => s.Ref.Domain == tenant.Domain && s.Ref.Project == tenant.Project)
            .SelectMany(s => s.Sources).Distinct().ToImmutableArray();
        InstanceEndpoints.WriteFreshness(context, sources);
        await WriteJsonAsync(context, new BatchFindResponse(services, instances), SidecarJsonContext.Default.BatchFindResponse);
    }

    private static async Task<BatchFindResult> FindServicesAsync(
        HttpContext context, LocalRegistry registry, RegistrySnapshot snapshot, Tenant tenant, string consumerId, List<BatchFindServiceItem> items)
    {
        var collector = new BatchCollector();
        for (var index = 0; index < items.Count; index++)
        {
            // Validated by ValidateBatch.
            var key = items[index].Service!;
            _ = VersionRule.TryParse(key.Version, out var rule);
            var found = Discovery.Find(snapshot, tenant, consumerId, key.Environment, key.AppId!, key.ServiceName!, rule, null);
            if (!found.Ok)
            {
                collector.Fail(index, found.Error!);
                continue;
            }

            await InstanceEndpoints.RecordDependencyAsync(context, registry, found.Value.NewDependency, found.Value.Provider);

            collector.Add(index, items[index].Rev, found.Value.Revision, () => found.Value.Services.SelectMany(s => s.Instances).Select(i => i.Instance).ToList());
        }

        return collector.Result();
    }

    private static async Task<BatchFindResult> FindInstancesAsync(
        HttpContext context, LocalRegistry registry, RegistrySnapshot snapshot, Tenant tenant, string consumerId, List<BatchFindInstanceItem> items)
    {
        var collector = new BatchCollector();
        for (var index = 0; index < items.Count; index++)
        {
            // Validated by ValidateBatch.
            var key = items[index].Instance!;
            var read = Discovery.Instance(snapshot, new ServiceRef(tenant.Domain, tenant.Project, key.ServiceId!), key.InstanceId!, consumerId, null);
            if (!read.Ok)
            {
                collector.Fail(index, read.Error!);
                continue;
            }

            var (provider, instance, newDependency) = read.Value;
            await InstanceEndpoints.RecordDependencyAsync(context, registry, newDependency, provider.NameKey);
            collector.Add(index, items[index].Rev, Discovery.RevisionOf(instance.Json), () => [instance.Instance]);
        }

        return collector.Result();
    }

    /// <summary>
    /// Service-Center validates the whole batch before finding anything (<c>FindManyInstanceReqValidator</c>): an item
    /// without its key, or with an invalid one, makes the request a 400001.
    /// </summary>
    private static ScError? ValidateBatch(BatchFindRequest request, string consumerId)
    {
        foreach (var item in request.Services ?? [])
        {
            var key = item?.Service;
            var error = key is null
                ? ScError.InvalidParams("field 'FindService.Service' is required")
                : FindValidator.Validate(key.AppId, key.ServiceName, key.Environment, null, consumerId)
                    ?? (VersionRule.TryParse(key.Version, out _) ? null : ScError.InvalidParams($"invalid version rule '{key.Version}'"));
            if (error is not null)
            {
                return error;
            }
        }

        foreach (var item in request.Instances ?? [])
        {
            var key = item?.Instance;
            var error = key is null
                ? ScError.InvalidParams("field 'FindInstance.Instance' is required")
                : IdValidator.ValidateServiceId(key.ServiceId) ?? IdValidator.ValidateInstanceId(key.InstanceId);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>Sorts batch items into updated, not-modified and failed (failures grouped by error).</summary>
    private sealed class BatchCollector
    {
        private readonly List<BatchFindUpdated> _updated = [];
        private readonly List<int> _notModified = [];
        private readonly List<(int Index, ScError Error)> _failed = [];

        public void Add(int index, string? clientRev, string revision, Func<IReadOnlyList<Registry.MicroServiceInstance>> instances)
        {
            if (clientRev == revision)
            {
                _notModified.Add(index);
            }
            else
            {
                var list = instances();
                _updated.Add(new BatchFindUpdated(index, revision, list.Count > 0 ? list : null));
            }
        }

        public void Fail(int index, ScError error) => _failed.Add((index, error));

        public BatchFindResult Result() => new()
        {
            Updated = _updated.Count > 0 ? _updated : null,
            NotModified = _notModified.Count > 0 ? _notModified : null,
            Failed = _failed.Count > 0
                // Grouped by error code, each group showing its first error, as Service-Center does (batchFindServices).
                ? _failed.GroupBy(f => f.Error.ErrorCode).Select(g => new BatchFindFailed(g.Select(f => f.Index).ToList(), g.First().Error)).ToList()
                : null,
        };
    }
}
