using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>The replica snapshot speeds up a start but never decides what it holds: LiteDB does.</summary>
public sealed class SnapshotTests : IDisposable
{
    private const string Registry = "/v4/default/registry";
    private static readonly ServiceRef s_service = new("default", "default", "svc");
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-snapshot-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Snapshot_MatchingTheStore_IsWhatTheStartRestores()
    {
        await WriteAsync(["a", "b", "c"], snapshot: true, after: []);

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.True(store.RestoredFromSnapshot > 0);
        Assert.Equal(["a", "b", "c"], Instances(state));
        Assert.Equal(3, state.Leases.Count);
        Assert.Equal(TimeSpan.FromSeconds(120), state.Leases[0].Value.Ttl);
    }

    [Fact]
    public async Task Snapshot_Corrupt_FallsBackToLiteDb()
    {
        await WriteAsync(["a", "b", "c"], snapshot: true, after: []);
        var path = Path.Combine(_dataDir, ReplicaSnapshotFile.FileName);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.Equal(-1, store.RestoredFromSnapshot);
        Assert.Equal(["a", "b", "c"], Instances(state));
        Assert.Equal(3, state.Leases.Count);
    }

    [Fact]
    public async Task Snapshot_Truncated_FallsBackToLiteDb()
    {
        await WriteAsync(["a", "b"], snapshot: true, after: []);
        var path = Path.Combine(_dataDir, ReplicaSnapshotFile.FileName);
        await using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length / 3);
        }

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.Equal(-1, store.RestoredFromSnapshot);
        Assert.Equal(["a", "b"], Instances(state));
    }

    [Fact]
    public async Task Snapshot_OlderThanTheStore_IsNotUsed()
    {
        // "d" and the deletion of "a" reach LiteDB after the snapshot was written.
        await WriteAsync(["a", "b", "c"], snapshot: true, after: ["d", "-a"]);

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.Equal(-1, store.RestoredFromSnapshot);
        Assert.Equal(["b", "c", "d"], Instances(state));
    }

    [Fact]
    public async Task Snapshot_FileChangedByAWriterThatDoesNotStampTheSequence_IsNotUsed()
    {
        await WriteAsync(["a", "b"], snapshot: true, after: []);
        // As an older agent would: it starts (raising the incarnation, as every agent since the identity existed
        // does) and adds a document without the store's commit sequence.
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = LiteDB.ConnectionType.Direct }))
        {
            var identity = db.GetCollection("meta").FindById("identity");
            identity["inc"] = identity["inc"].AsInt64 + 1;
            db.GetCollection("meta").Upsert(identity);
            var key = RecordKey.ForInstance("agent:snap", s_service, "x");
            db.GetCollection("records").Upsert(RecordDocuments.ToDocument(new Record(key, new RecordVersion(1, "snap"),
                new MicroServiceInstance { InstanceId = "x", ServiceId = "svc", HostName = "x", Endpoints = ["rest://10.0.0.1:80"] })));
        }

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.Equal(-1, store.RestoredFromSnapshot);
        Assert.Equal(["a", "b", "x"], Instances(state));
    }

    [Fact]
    public async Task Snapshot_AfterAnAgentThatDoesNotStampRanWithoutWriting_IsNotUsed()
    {
        await WriteAsync(["a", "b"], snapshot: true, after: []);
        // Only the start of an agent that does not stamp (its writes could be in-place updates no count would see).
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = LiteDB.ConnectionType.Direct }))
        {
            var identity = db.GetCollection("meta").FindById("identity");
            identity["inc"] = identity["inc"].AsInt64 + 1;
            db.GetCollection("meta").Upsert(identity);
        }

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.Equal(-1, store.RestoredFromSnapshot);
        Assert.Equal(["a", "b"], Instances(state));
    }

    [Fact]
    public async Task Snapshot_StillUsed_AfterRestartsThatWroteNothing()
    {
        await WriteAsync(["a", "b"], snapshot: true, after: []);
        // Two starts of this agent with no write in between: each carries the stamp over to its incarnation.
        for (var start = 0; start < 2; start++)
        {
            var (idle, previous) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
            idle.SaveIdentity("snap", previous.Identity);
            idle.Dispose();
        }

        var (store, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.Dispose();

        Assert.True(store.RestoredFromSnapshot > 0);
        Assert.Equal(["a", "b"], Instances(state));
    }

    [Fact]
    public async Task Snapshot_StampedWithoutAnIncarnation_IsCheckedByCounts_ThenCarriedOver()
    {
        await WriteAsync(["a", "b"], snapshot: true, after: []);
        // As the stamp of an agent from before the incarnation was stamped.
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = LiteDB.ConnectionType.Direct }))
        {
            var seq = db.GetCollection("meta").FindById("seq");
            seq.Remove("inc");
            db.GetCollection("meta").Upsert(seq);
        }

        var (first, firstState) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        first.SaveIdentity("snap", firstState.Identity);
        first.Dispose();
        var (second, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        second.Dispose();

        Assert.True(first.RestoredFromSnapshot > 0);
        Assert.Equal(first.RestoredFromSnapshot, second.RestoredFromSnapshot);
        Assert.Equal(["a", "b"], Instances(state));
        using var check = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = LiteDB.ConnectionType.Direct });
        Assert.Equal(state.Identity!.Incarnation, check.GetCollection("meta").FindById("seq")["inc"].AsInt64);
    }

    [Fact]
    public async Task Kill9_AfterASnapshot_EveryAcknowledgedWriteSurvives_AndACleanStopLeavesAUsableSnapshot()
    {
        var snapshot = Path.Combine(_dataDir, ReplicaSnapshotFile.FileName);
        string serviceId;
        await using (var agent = await SidecarProcess.StartAsync(_dataDir))
        {
            serviceId = await RegisterServiceAsync(agent.Client);
            await RegisterInstanceAsync(agent.Client, serviceId, "before");
            // The agent writes its first snapshot 2 s after a start without one.
            for (var i = 0; i < 300 && !File.Exists(snapshot); i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            Assert.True(File.Exists(snapshot), "no snapshot was written");
            await RegisterInstanceAsync(agent.Client, serviceId, "after");
            agent.Kill();
        }

        await using (var restarted = await SidecarProcess.StartAsync(_dataDir))
        {
            Assert.Equal(["after", "before"], await InstanceIdsAsync(restarted.Client, serviceId));
            Assert.Contains("older or newer than the store", restarted.Output, StringComparison.Ordinal);
            Assert.Equal(0, await restarted.TerminateAsync());
        }

        await using var third = await SidecarProcess.StartAsync(_dataDir);
        Assert.Equal(["after", "before"], await InstanceIdsAsync(third.Client, serviceId));
        Assert.Contains("from the replica snapshot", third.Output, StringComparison.Ordinal);
    }

    /// <summary>Registers instances, optionally takes a snapshot, then applies <paramref name="after"/> ("-x" deletes x).</summary>
    private async Task WriteAsync(string[] instances, bool snapshot, string[] after)
    {
        var ct = TestContext.Current.CancellationToken;
        var (store, _) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.SaveIdentity("snap", null);
        store.Start();
        var replica = new Replica("snap", TimeProvider.System, store);
        replica.Start();
        await replica.WriteAsync(w =>
        {
            w.Put(RecordKey.ForService(w.LocalSource, s_service), new MicroService { ServiceId = "svc", AppId = "app", ServiceName = "svc", Version = "1.0.0" });
            foreach (var id in instances)
            {
                Put(w, id);
            }

            return 0;
        }, ct);
        if (snapshot)
        {
            var snapshots = new ReplicaSnapshots(replica, store, TimeProvider.System, NullLogger<ReplicaSnapshots>.Instance);
            Assert.True(await snapshots.TakeAsync(ct) > 0);
        }

        foreach (var change in after)
        {
            await replica.WriteAsync(w =>
            {
                if (change.StartsWith('-'))
                {
                    w.Delete(RecordKey.ForInstance(w.LocalSource, s_service, change[1..]));
                }
                else
                {
                    Put(w, change);
                }

                return 0;
            }, ct);
        }

        await replica.DisposeAsync();
        store.Dispose();
    }

    private static void Put(ReplicaWriter writer, string id)
    {
        var key = RecordKey.ForInstance(writer.LocalSource, s_service, id);
        writer.Put(key, new MicroServiceInstance { InstanceId = id, ServiceId = "svc", HostName = id, Endpoints = ["rest://10.0.0.1:80"] });
        writer.SetLease(key, TimeSpan.FromSeconds(120));
    }

    private static List<string> Instances(PersistedState state) =>
        [.. state.Records.Where(r => r.Key.Kind == RecordKind.Instance && !r.IsTombstone).Select(r => ((MicroServiceInstance)r.Value!).HostName!).Order(StringComparer.Ordinal)];

    private static async Task<string> RegisterServiceAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "snap", serviceName = "svc", version = "1.0.0" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
    }

    private static async Task RegisterInstanceAsync(HttpClient client, string serviceId, string instanceId)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { instanceId, hostName = instanceId, endpoints = new[] { "rest://10.0.0.1:80" }, healthCheck = new { mode = "push", interval = 600, times = 3 } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<string>> InstanceIdsAsync(HttpClient client, string serviceId)
    {
        var body = await client.GetFromJsonAsync<JsonElement>($"{Registry}/microservices/{serviceId}/instances");
        return [.. body.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!).Order(StringComparer.Ordinal)];
    }
}
