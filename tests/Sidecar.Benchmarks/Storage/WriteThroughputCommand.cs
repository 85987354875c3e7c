using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Benchmarks.Storage;

/// <summary>
/// P9: replicated updates per second persisted through LiteDB group commit, and durable local registrations per
/// second, each against the same replica with no store (memory only), same run.
/// </summary>
internal static class WriteThroughputCommand
{
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Path.Combine(Path.GetTempPath(), "sidecar-writes-" + Guid.NewGuid().ToString("N"));
        var memoryReplicated = await ReplicatedAsync(null);
        var liteReplicated = await ReplicatedAsync(Path.Combine(root, "replicated"));
        var memoryLocal = await LocalAsync(null);
        var liteLocal = await LocalAsync(Path.Combine(root, "local"));
        Directory.Delete(root, recursive: true);

        Console.WriteLine("| write path | memory only (baseline) /s | persisted in LiteDB /s | persisted / memory |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| replicated updates (peer deltas, 100 per merge, group commit <= 100 ms) | {memoryReplicated:N0} | {liteReplicated:N0} | {liteReplicated / memoryReplicated:P0} |");
        Console.WriteLine($"| local instance registrations (64 concurrent writers, durable before the answer) | {memoryLocal:N0} | {liteLocal:N0} | {liteLocal / memoryLocal:P0} |");
        Console.WriteLine();
        Console.WriteLine($"- replicated updates persisted: **{liteReplicated:N0}/s** (goal P9 >= 10,000/s: {(liteReplicated >= 10_000 ? "met" : "**not met**")}); P2 latency while this runs is not measured yet");
        return 0;
    }

    private static async Task<double> ReplicatedAsync(string? dataDir)
    {
        var (replica, store) = Open(dataDir, "writer");
        await LoadServicesAsync(replica);
        var clock = Stopwatch.StartNew();
        long count = 0;
        var version = 1L;
        while (clock.Elapsed < s_duration)
        {
            var batch = new List<Record>(100);
            for (var i = 0; i < 100; i++, version++)
            {
                var service = new ServiceRef("default", "default", $"svc{version % 500}");
                batch.Add(new Record(RecordKey.ForInstance("agent:peer", service, $"i{version % 10_000}"), new RecordVersion(version, "peer"),
                    Dataset.Instance((int)(version % 500), (int)(version % 20)) with { InstanceId = $"i{version % 10_000}", ServiceId = service.ServiceId }));
            }

            count += await replica.MergeAsync(batch, RecordOrigin.Gossip, CancellationToken.None);
        }

        await replica.DisposeAsync();
        store?.Dispose(); // drains the last group commit
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> LocalAsync(string? dataDir)
    {
        var (replica, store) = Open(dataDir, "local");
        var registry = new LocalRegistry(replica);
        var serviceId = (await registry.RegisterServiceAsync(Tenant.Default, new Contracts.CreateServiceRequest
        {
            Service = new MicroService { AppId = "bench", ServiceName = "writes", Version = "1.0.0" },
        }, CancellationToken.None)).Value!;
        var service = new ServiceRef("default", "default", serviceId);
        var clock = Stopwatch.StartNew();
        long count = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async writer =>
        {
            for (var n = 0; clock.Elapsed < s_duration; n++)
            {
                var result = await registry.RegisterInstanceAsync(service, Dataset.Instance(writer % 500, n % 20) with { InstanceId = $"w{writer}n{n}" }, CancellationToken.None);
                if (result.Ok)
                {
                    Interlocked.Increment(ref count);
                }
            }
        }));
        var rate = count / clock.Elapsed.TotalSeconds;
        await replica.DisposeAsync();
        store?.Dispose();
        return rate;
    }

    private static async Task LoadServicesAsync(Replica replica)
    {
        var records = Enumerable.Range(0, 500).Select(s => new Record(
            RecordKey.ForService("agent:peer", new ServiceRef("default", "default", $"svc{s}")), new RecordVersion(0, "peer"),
            new MicroService { ServiceId = $"svc{s}", AppId = "bench", ServiceName = Dataset.ServiceName(s), Version = "1.0.0" })).ToList();
        await replica.MergeAsync(records, RecordOrigin.Gossip, CancellationToken.None);
    }

    private static (Replica Replica, LiteDbReplicaStore? Store) Open(string? dataDir, string node)
    {
        LiteDbReplicaStore? store = null;
        if (dataDir is not null)
        {
            (store, _) = LiteDbReplicaStore.Open(dataDir, TimeProvider.System, NullLogger.Instance);
            store.SaveIdentity(node, null);
            store.Start();
        }

        var replica = new Replica(node, TimeProvider.System, store);
        replica.Start();
        return (replica, store);
    }
}
