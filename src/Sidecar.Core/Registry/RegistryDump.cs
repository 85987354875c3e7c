using Sidecar.Contracts;
using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>
/// The registry in the shape of Service-Center's <c>/admin/dump</c> (spec 4.2): etcd-style keys, a revision per
/// entry and the cluster each entry comes from, so that a Service-Center aggregating this cluster keeps the origin
/// and skips its own data coming back. Every tenant is included, as Service-Center dumps its whole cache.
/// </summary>
public static class RegistryDump
{
    /// <param name="snapshot">What to dump.</param>
    /// <param name="revisionOf">The revision of a record (its clock), null when the record is unknown.</param>
    /// <param name="clusterOf">The cluster of a source: the local cluster for agents and Kubernetes, the remote's name for <c>sc:</c>.</param>
    public static DumpCache Build(RegistrySnapshot snapshot, Func<RecordKey, long?> revisionOf, Func<string, string> clusterOf)
    {
        var services = new List<DumpEntry<MicroService>>();
        var indexes = new List<DumpEntry<string>>();
        var aliases = new List<DumpEntry<string>>();
        var tags = new List<DumpEntry<IReadOnlyDictionary<string, string>>>();
        var summaries = new List<DumpEntry<string>>();
        var instances = new List<DumpEntry<MicroServiceInstance>>();
        foreach (var view in snapshot.Services.Values.OrderBy(v => v.Ref.Domain, StringComparer.Ordinal)
                     .ThenBy(v => v.Ref.Project, StringComparer.Ordinal).ThenBy(v => v.Ref.ServiceId, StringComparer.Ordinal))
        {
            var (serviceRef, service) = (view.Ref, view.Service);
            var tenant = $"{serviceRef.Domain}/{serviceRef.Project}";
            var cluster = clusterOf(view.Source);
            var rev = revisionOf(RecordKey.ForService(view.Source, serviceRef)) ?? view.Index;
            services.Add(new($"/cse-sr/ms/files/{tenant}/{serviceRef.ServiceId}", rev, cluster, service));
            indexes.Add(new($"/cse-sr/ms/indexes/{tenant}/{view.Environment}/{service.AppId}/{service.ServiceName}/{service.Version}", rev, cluster, serviceRef.ServiceId));
            if (!string.IsNullOrEmpty(service.Alias))
            {
                aliases.Add(new($"/cse-sr/ms/alias/{tenant}/{view.Environment}/{service.AppId}/{service.Alias}/{service.Version}", rev, cluster, serviceRef.ServiceId));
            }

            if (view.Tags.Count > 0)
            {
                tags.Add(new($"/cse-sr/ms/tags/{tenant}/{serviceRef.ServiceId}", revisionOf(RecordKey.ForTags(view.Source, serviceRef)) ?? rev, cluster, view.Tags));
            }

            foreach (var (schemaId, schema) in view.Schemas)
            {
                summaries.Add(new($"/cse-sr/ms/schema-sum/{tenant}/{serviceRef.ServiceId}/{schemaId}",
                    revisionOf(RecordKey.ForSchema(view.Source, serviceRef, schemaId)) ?? rev, cluster, schema.Summary ?? ""));
            }

            foreach (var instance in view.Instances)
            {
                var instanceId = instance.Instance.InstanceId!;
                instances.Add(new($"/cse-sr/inst/files/{tenant}/{serviceRef.ServiceId}/{instanceId}",
                    revisionOf(RecordKey.ForInstance(instance.Source, serviceRef, instanceId)) ?? view.Index, clusterOf(instance.Source), instance.Instance));
            }
        }

        return new DumpCache
        {
            Services = NullIfEmpty(services),
            ServiceIndexes = NullIfEmpty(indexes),
            ServiceAliases = NullIfEmpty(aliases),
            ServiceTags = NullIfEmpty(tags),
            Summaries = NullIfEmpty(summaries),
            Instances = NullIfEmpty(instances),
        };
    }

    /// <summary>The cluster an entry of <paramref name="source"/> comes from.</summary>
    public static string ClusterOf(string source, string localCluster) =>
        source.StartsWith("sc:", StringComparison.Ordinal) ? source["sc:".Length..] : localCluster;

    private static List<T>? NullIfEmpty<T>(List<T> list) => list.Count > 0 ? list : null;
}
