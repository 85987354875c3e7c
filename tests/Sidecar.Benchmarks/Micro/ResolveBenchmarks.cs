using BenchmarkDotNet.Attributes;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Versioning;
using static Sidecar.Benchmarks.Micro.Rules;

namespace Sidecar.Benchmarks.Micro;

/// <summary>
/// P3: the in-process resolve path (<see cref="Discovery.Find"/>) on a snapshot with 10,000 instances in 500 services,
/// against a plain dictionary lookup of the same bytes. Each call resolves the next of the 500 names.
/// </summary>
[MemoryDiagnoser]
public class ResolveBenchmarks
{
    private Replica _replica = null!;
    private RegistrySnapshot _snapshot = null!;
    private string[] _names = null!;
    private Dictionary<(string AppId, string ServiceName), byte[]> _bytes = null!;
    private string _consumerId = null!;
    private VersionRule _atLeast;
    private VersionRule _latest;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _replica = new Replica("bench", TimeProvider.System);
        _replica.Start();
        var registry = new LocalRegistry(_replica);
        Dataset.LoadAsync(registry, CancellationToken.None).GetAwaiter().GetResult();
        _snapshot = _replica.Snapshot;
        _names = [.. Enumerable.Range(0, Dataset.Services).Select(Dataset.ServiceName)];
        _bytes = _names.ToDictionary(n => (Dataset.AppId, n), n => _snapshot.Names[new NameKey("default", "default", "", Dataset.AppId, n)].Body);

        // A consumer that already depends on every provider: the steady state of a client after its first lookups.
        var consumer = _snapshot.Names[new NameKey("default", "default", "", Dataset.AppId, _names[0])].Services[0];
        _consumerId = consumer.Ref.ServiceId;
        foreach (var name in _names)
        {
            registry.RecordDependencyAsync(consumer.Ref, new NameKey("default", "default", "", Dataset.AppId, name), CancellationToken.None)
                .GetAwaiter().GetResult();
        }

        _snapshot = _replica.Snapshot;
        _atLeast = Rule("1.0.0+");
        _latest = Rule("latest");
        var body = Discovery.Find(_snapshot, Tenant.Default, _consumerId, null, Dataset.AppId, _names[1], VersionRule.All, null);
        if (!body.Ok || body.Value.NewDependency is not null || !ReferenceEquals(body.Value.Body, _bytes[(Dataset.AppId, _names[1])]))
        {
            throw new InvalidOperationException("setup: the find path does not answer the snapshot's bytes");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _replica.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private string NextName()
    {
        var i = _next + 1;
        _next = i == _names.Length ? 0 : i;
        return _names[_next];
    }

    [Benchmark(Baseline = true, Description = "Dictionary lookup of the same bytes")]
    public byte[] DictionaryLookup() => _bytes[(Dataset.AppId, NextName())];

    [Benchmark(Description = "Discovery.Find, all versions")]
    public byte[] Find() => Discovery.Find(_snapshot, Tenant.Default, null, null, Dataset.AppId, NextName(), VersionRule.All, null).Value.Body;

    [Benchmark(Description = "Discovery.Find, with X-ConsumerId")]
    public byte[] FindAsConsumer() => Discovery.Find(_snapshot, Tenant.Default, _consumerId, null, Dataset.AppId, NextName(), VersionRule.All, null).Value.Body;

    [Benchmark(Description = "Discovery.Find, version=1.0.0+")]
    public byte[] FindAtLeast() => Discovery.Find(_snapshot, Tenant.Default, null, null, Dataset.AppId, NextName(), _atLeast, null).Value.Body;

    [Benchmark(Description = "Discovery.Find, version=latest")]
    public byte[] FindLatest() => Discovery.Find(_snapshot, Tenant.Default, null, null, Dataset.AppId, NextName(), _latest, null).Value.Body;
}
