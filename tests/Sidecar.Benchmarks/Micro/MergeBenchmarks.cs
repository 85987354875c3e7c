using BenchmarkDotNet.Attributes;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Benchmarks.Micro;

/// <summary>
/// The replica merge: a peer's record applied to a state holding 10,000 instances in 500 services, then the snapshot
/// republished (only the touched service and its find answer are rebuilt).
/// </summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private const string Peer = "agent:peer";
    private const int Batch = 256;
    private ReplicaState _state = null!;
    private Replica _replica = null!;
    private RecordKey[] _instanceKeys = null!;
    private MicroServiceInstance[][] _values = null!;
    private long _clock = 1_000_000;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _state = new ReplicaState(new SourcePreference("agent:bench"));
        _replica = new Replica("bench", TimeProvider.System);
        _replica.Start();
        var keys = new List<RecordKey>();
        var values = new List<MicroServiceInstance[]>();
        var records = new List<Record>();
        for (var s = 0; s < Dataset.Services; s++)
        {
            var serviceId = $"service-{s:D3}";
            var service = new ServiceRef("default", "default", serviceId);
            records.Add(new Record(
                RecordKey.ForService(Peer, service),
                new RecordVersion(++_clock, "peer"),
                new MicroService { ServiceId = serviceId, AppId = Dataset.AppId, ServiceName = Dataset.ServiceName(s), Version = "1.0.0", Status = "UP" }));
            for (var i = 0; i < Dataset.InstancesPerService; i++)
            {
                var instanceId = $"instance-{s:D3}-{i:D2}";
                var key = RecordKey.ForInstance(Peer, service, instanceId);
                var instance = Dataset.Instance(s, i) with { InstanceId = instanceId, ServiceId = serviceId, Version = "1.0.0" };
                keys.Add(key);
                values.Add([instance, instance with { Status = "DOWN" }]);
                records.Add(new Record(key, new RecordVersion(++_clock, "peer"), instance));
            }
        }

        foreach (var record in records)
        {
            _state.Apply(record);
        }

        _state.Publish();
        _replica.MergeAsync(records, RecordOrigin.Gossip, CancellationToken.None).GetAwaiter().GetResult();

        // Spread consecutive updates over services, as gossip deltas arrive.
        _instanceKeys = [.. keys.Select((k, i) => (k, i)).OrderBy(p => p.i % Dataset.InstancesPerService).ThenBy(p => p.i).Select(p => p.k)];
        var byKey = keys.Zip(values).ToDictionary(p => p.First, p => p.Second);
        _values = [.. _instanceKeys.Select(k => byKey[k])];
    }

    [GlobalCleanup]
    public void Cleanup() => _replica.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Record NextChange()
    {
        var i = _next;
        _next = (i + 1) % _instanceKeys.Length;
        var clock = ++_clock;
        return new Record(_instanceKeys[i], new RecordVersion(clock, "peer"), _values[i][clock & 1]);
    }

    [Benchmark(Baseline = true, Description = "Apply a stale record (rejected)")]
    public RecordChange? ApplyStale() => _state.Apply(new Record(_instanceKeys[0], new RecordVersion(1, "peer"), null));

    [Benchmark(Description = "Apply one change + Publish")]
    public RegistrySnapshot ApplyOneAndPublish()
    {
        _state.Apply(NextChange());
        return _state.Publish();
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "Apply 256 changes + Publish (per record)")]
    public RegistrySnapshot ApplyBatchAndPublish()
    {
        for (var i = 0; i < Batch; i++)
        {
            _state.Apply(NextChange());
        }

        return _state.Publish();
    }

    [Benchmark(Description = "Replica.MergeAsync one record (writer loop)")]
    public int ReplicaMergeOne() => _replica.MergeAsync([NextChange()], RecordOrigin.Gossip, CancellationToken.None).GetAwaiter().GetResult();
}
