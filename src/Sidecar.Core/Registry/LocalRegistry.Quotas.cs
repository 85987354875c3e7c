using Sidecar.Replication;

namespace Sidecar.Registry;

public sealed partial class LocalRegistry
{
    // Per-tenant counts of the last published snapshot, plus what this registry added in the batch being written.
    // Touched only on the writer loop; recounted once per published snapshot, not per write.
    private RegistrySnapshot? _countedSnapshot;
    private Dictionary<Tenant, TenantCount> _counts = [];
    private ReplicaWriter? _tallyWriter;
    private readonly Dictionary<Tenant, TenantCount> _tally = [];

    private ScError? CheckServiceQuota(ReplicaWriter writer, Tenant tenant)
    {
        var count = CountOf(writer, tenant).Services;
        return count + 1 > _quotas.ServicesPerTenant
            ? NotEnoughQuota($"tenant {tenant} holds {count} services and the limit is {_quotas.ServicesPerTenant} (--quota-services)")
            : null;
    }

    private ScError? CheckInstanceQuota(ReplicaWriter writer, Tenant tenant, int adding)
    {
        var count = CountOf(writer, tenant).Instances;
        return count + adding > _quotas.InstancesPerTenant
            ? NotEnoughQuota($"tenant {tenant} holds {count} instances and the limit is {_quotas.InstancesPerTenant} (--quota-instances)")
            : null;
    }

    private ScError? CheckTagQuota(int count) =>
        count > _quotas.TagsPerService
            ? NotEnoughQuota($"a service may carry {_quotas.TagsPerService} tags (--quota-tags); this would make {count}")
            : null;

    private ScError? CheckSchemaQuota(int count) =>
        count > _quotas.SchemasPerService
            ? NotEnoughQuota($"a service may carry {_quotas.SchemasPerService} schemas (--quota-schemas); this would make {count}")
            : null;

    private void CountAdded(ReplicaWriter writer, Tenant tenant, int services, int instances)
    {
        var tally = TallyOf(writer);
        var current = tally.GetValueOrDefault(tenant);
        tally[tenant] = new TenantCount(current.Services + services, current.Instances + instances);
    }

    private TenantCount CountOf(ReplicaWriter writer, Tenant tenant)
    {
        var published = _replica.Snapshot;
        if (!ReferenceEquals(published, _countedSnapshot))
        {
            var counts = new Dictionary<Tenant, TenantCount>();
            foreach (var view in published.Services.Values)
            {
                var key = new Tenant(view.Ref.Domain, view.Ref.Project);
                var current = counts.GetValueOrDefault(key);
                counts[key] = new TenantCount(current.Services + 1, current.Instances + view.Instances.Length);
            }

            (_counts, _countedSnapshot) = (counts, published);
        }

        var counted = _counts.GetValueOrDefault(tenant);
        var added = TallyOf(writer).GetValueOrDefault(tenant);
        return new TenantCount(counted.Services + added.Services, counted.Instances + added.Instances);
    }

    /// <summary>What this registry added in the current batch (not yet in the published snapshot).</summary>
    private Dictionary<Tenant, TenantCount> TallyOf(ReplicaWriter writer)
    {
        if (!ReferenceEquals(writer, _tallyWriter))
        {
            _tally.Clear();
            _tallyWriter = writer;
        }

        return _tally;
    }

    private static ScError NotEnoughQuota(string detail) => ScError.Of(ErrorCode.NotEnoughQuota, detail);

    private readonly record struct TenantCount(int Services, int Instances);
}
