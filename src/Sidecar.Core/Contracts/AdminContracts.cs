using System.Text.Json.Serialization;
using Sidecar.Registry;

namespace Sidecar.Contracts;

// GET /v4/default/admin/dump and /admin/clusters (spec M6 and 4.2, Service-Center pkg/dump): what Service-Center's
// aggregator pulls from every remote cluster. Key, rev and cluster are written even when empty or zero, as Go does.

public sealed record DumpResponse(DumpCache? Cache);

public sealed record DumpCache
{
    public IReadOnlyList<DumpEntry<MicroService>>? Services { get; init; }
    public IReadOnlyList<DumpEntry<string>>? ServiceIndexes { get; init; }
    public IReadOnlyList<DumpEntry<string>>? ServiceAliases { get; init; }
    public IReadOnlyList<DumpEntry<IReadOnlyDictionary<string, string>>>? ServiceTags { get; init; }
    public IReadOnlyList<DumpEntry<string>>? Summaries { get; init; }
    public IReadOnlyList<DumpEntry<MicroServiceInstance>>? Instances { get; init; }
}

/// <summary>One etcd-style key-value: its key, its modification revision, the cluster it comes from, its value.</summary>
public sealed record DumpEntry<T>(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long Rev,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string Cluster,
    T Value);

/// <summary><c>{"clusters":{"name":["http://..."]}}</c>: every cluster this registry knows, itself included.</summary>
public sealed record ClustersResponse(IReadOnlyDictionary<string, IReadOnlyList<string>>? Clusters);
