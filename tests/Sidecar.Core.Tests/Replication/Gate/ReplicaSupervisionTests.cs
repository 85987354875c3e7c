using Microsoft.Extensions.Time.Testing;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Tests.Replication.Gate;

/// <summary>The writer loop under faults: failed commits, throwing operations and observers, bad records, a stuck store.</summary>
public sealed class ReplicaSupervisionTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_StoreThrows_CallerGetsUnavailable_StateAndSnapshotUnchanged_NothingObserved()
    {
        var store = new FaultyStore();
        await using var replica = new Replica("node1", new FakeTimeProvider(s_now), store);
        var registry = new LocalRegistry(replica);
        replica.Start();
        var (service, instanceId) = await RegisterAsync(registry);
        var observed = 0;
        using var _ = replica.Subscribe(_ => observed++);
        var before = replica.Snapshot;
        var recordsBefore = await DescribeAsync(replica);
        var leaseBefore = await replica.WriteAsync(w => w.LeaseOf(RecordKey.ForInstance(replica.LocalSource, service, instanceId)), Ct);

        store.Fail = new IOException("No space left on device");
        var error = await Assert.ThrowsAsync<ReplicaUnavailableException>(() => registry.RegisterInstanceAsync(service,
            new MicroServiceInstance { HostName = "other", Endpoints = ["rest://127.0.0.1:9"] }, Ct));
        var deleteError = await Assert.ThrowsAsync<ReplicaUnavailableException>(() => registry.UnregisterInstanceAsync(service, instanceId, Ct));

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(deleteError.InnerException);
        Assert.Same(before, replica.Snapshot);
        Assert.Equal(0, observed);
        Assert.Equal(recordsBefore, await DescribeAsync(replica));
        Assert.Equal(leaseBefore, await replica.WriteAsync(w => w.LeaseOf(RecordKey.ForInstance(replica.LocalSource, service, instanceId)), Ct));
        Assert.Single(replica.Snapshot.Services[service].Instances);
        Assert.NotNull(replica.Health().StoreError);

        store.Fail = null;
        await replica.ProbeStoreAsync(Ct);
        Assert.Null(replica.Health().StoreError);
        Assert.True((await registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "other", Endpoints = ["rest://127.0.0.1:9"] }, Ct)).Ok);
        Assert.Equal(2, replica.Snapshot.Services[service].Instances.Length);
        Assert.Equal(1, observed);
    }

    [Fact]
    public async Task Commit_FailsAfterAMidBatchSnapshot_StateStillMatchesTheStore()
    {
        var store = new FaultyStore();
        await using var replica = new Replica("node1", new FakeTimeProvider(s_now), store);
        var registry = new LocalRegistry(replica);
        replica.Start();
        var (service, _) = await RegisterAsync(registry);
        await registry.PutSchemaAsync(service, "s1", new SchemaValue("{}", null), Ct);
        var before = await DescribeAsync(replica);

        // PutSchemas reads writer.Snapshot (a publish inside the batch) before its commit fails.
        store.Fail = new IOException("disk full");
        await Assert.ThrowsAsync<ReplicaUnavailableException>(() => registry.PutSchemasAsync(service, [new SchemaBody { SchemaId = "s2", Schema = "{}" }], Ct));
        store.Fail = null;
        await replica.ProbeStoreAsync(Ct);

        Assert.Equal(before, await DescribeAsync(replica));
        Assert.Equal(["s1"], replica.Snapshot.Services[service].Schemas.Keys);
        Assert.Equal(["s1"], await replica.WriteAsync(w => w.Snapshot.Services[service].Schemas.Keys.ToList(), Ct));
    }

    [Fact]
    public async Task Operation_ThrowsHalfway_OnlyItsCallerFails_AndItsChangesAreUndone()
    {
        await using var replica = new Replica("node1", new FakeTimeProvider(s_now));
        var registry = new LocalRegistry(replica);
        replica.Start();
        var (service, _) = await RegisterAsync(registry);
        var key = RecordKey.ForTags(replica.LocalSource, service);

        var failing = replica.WriteAsync<int>(w =>
        {
            w.Put(key, new TagsValue(new Dictionary<string, string> { ["half"] = "done" }));
            throw new InvalidOperationException("bug in an operation");
        }, Ct);
        var next = registry.AddTagsAsync(service, new Dictionary<string, string> { ["ok"] = "yes" }, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.True((await next).Ok);
        Assert.Equal(["ok"], replica.Snapshot.Services[service].Tags.Keys);
        Assert.Null(replica.Health().Fault);
    }

    [Fact]
    public async Task MergeAsync_TagsWithoutMembers_IsRefusedAndCounted_LoopKeepsWorking()
    {
        await using var replica = new Replica("node1", new FakeTimeProvider(s_now));
        var registry = new LocalRegistry(replica);
        replica.Start();
        var (service, _) = await RegisterAsync(registry);
        Assert.True(RecordValueCodec.TryDecode(RecordKind.Tags, "{}"u8, out var emptyTags));
        var poisoned = new Record(RecordKey.ForTags("agent:peer", service), new RecordVersion(RecordGateTests.ClockAt(s_now), "peer"), emptyTags);
        var good = RecordGateTests.Valid(RecordKind.Instance);

        var merged = await replica.MergeAsync([poisoned, good], RecordOrigin.Gossip, Ct);

        Assert.Equal(1, merged);
        Assert.Equal(1, replica.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.MissingMember));
        Assert.Null(await replica.WriteAsync(w => w.Get(poisoned.Key), Ct));
        Assert.True((await registry.AddTagsAsync(service, new Dictionary<string, string> { ["k"] = "v" }, Ct)).Ok);
        Assert.Equal("v", replica.Snapshot.Services[service].Tags["k"]);
    }

    [Fact]
    public async Task Restore_BadRecords_AreSkippedAndCounted_GoodOnesServed()
    {
        var time = new FakeTimeProvider(s_now);
        var good = RecordGateTests.Valid(RecordKind.Service);
        var goodInstance = RecordGateTests.Valid(RecordKind.Instance);
        Assert.True(RecordValueCodec.TryDecode(RecordKind.Tags, "{}"u8, out var emptyTags));
        var poisoned = RecordGateTests.Valid(RecordKind.Tags) with { Value = emptyTags };
        var future = RecordGateTests.Valid(RecordKind.Schema) with { Version = new RecordVersion(RecordGateTests.ClockAt(s_now.AddHours(1)), "peer") };
        await using var replica = new Replica("node1", time);

        replica.Restore([good, poisoned, goodInstance, future], []);
        replica.Start();

        Assert.Equal(2, replica.Gate.RefusedCount(RecordOrigin.Restore));
        Assert.Equal(1, replica.Gate.RefusedCount(RecordOrigin.Restore, RecordGate.FutureClock));
        var view = Assert.Single(replica.Snapshot.Services.Values);
        Assert.Single(view.Instances);
        Assert.Empty(view.Tags);
        Assert.Empty(view.Schemas);
    }

    [Fact]
    public async Task Restore_EverythingTheLocalApiWrites_PassesTheGate()
    {
        var time = new FakeTimeProvider(s_now);
        await using var first = new Replica("node1", time);
        var registry = new LocalRegistry(first);
        first.Start();
        var (service, _) = await RegisterAsync(registry);
        await registry.AddTagsAsync(service, new Dictionary<string, string> { ["k"] = "v" }, Ct);
        await registry.PutSchemaAsync(service, "s1", new SchemaValue("{}", "sum"), Ct);
        await registry.RegisterInstanceAsync(service, new MicroServiceInstance
        {
            HostName = "h2",
            Properties = new Dictionary<string, string> { ["a"] = "b" },
            DataCenterInfo = new DataCenterInfo { Name = "dc", Region = "r", AvailableZone = "z" },
            HealthCheck = new HealthCheck { Mode = "pull", Interval = 10, Times = 1 },
        }, Ct);
        var records = await first.WriteAsync(w => w.Records.ToList(), Ct);

        await using var second = new Replica("node1", time);
        second.Restore(records, []);

        Assert.Equal(0, second.Gate.RefusedCount(RecordOrigin.Restore));
        Assert.Equal(DescribeSnapshot(first.Snapshot), DescribeSnapshot(second.Snapshot));
    }

    [Fact]
    public async Task Observer_Throws_LoopStopsWithAReason_LaterWritesFailFast()
    {
        await using var replica = new Replica("node1", new FakeTimeProvider(s_now));
        var registry = new LocalRegistry(replica);
        var faulted = new TaskCompletionSource<string>();
        replica.Faulted += reason => faulted.TrySetResult(reason);
        replica.Start();
        await RegisterAsync(registry);
        using var _ = replica.Subscribe(_ => throw new InvalidOperationException("observer bug"));

        await Assert.ThrowsAsync<ReplicaUnavailableException>(() => RegisterAsync(registry));
        var reason = await faulted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Contains("observer bug", reason, StringComparison.Ordinal);
        Assert.Equal(reason, replica.Health().Fault);
        var late = registry.AddTagsAsync(new ServiceRef("default", "default", "x"), new Dictionary<string, string> { ["k"] = "v" }, Ct);
        await Assert.ThrowsAsync<ReplicaUnavailableException>(() => late.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Health_StoreHangs_StuckForGrows_AndClearsOnceTheCommitReturns()
    {
        var time = new FakeTimeProvider(s_now);
        var store = new FaultyStore();
        await using var replica = new Replica("node1", time, store);
        var registry = new LocalRegistry(replica);
        replica.Start();
        await RegisterAsync(registry);
        Assert.Equal(TimeSpan.Zero, replica.Health().StuckFor);

        store.Hold = new TaskCompletionSource();
        var write = RegisterAsync(registry);
        await store.Held.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        time.Advance(TimeSpan.FromSeconds(45));

        Assert.True(replica.Health().StuckFor >= TimeSpan.FromSeconds(45));
        store.Hold.SetResult();
        await write;
        Assert.Equal(TimeSpan.Zero, replica.Health().StuckFor);
    }

    private static async Task<(ServiceRef Service, string InstanceId)> RegisterAsync(LocalRegistry registry)
    {
        var serviceId = await registry.RegisterServiceAsync(Tenant.Default,
            new CreateServiceRequest { Service = new MicroService { AppId = "app", ServiceName = "svc", Version = "1.0.0" } }, Ct);
        var service = new ServiceRef("default", "default", serviceId.Value!);
        var instanceId = await registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "host", Endpoints = ["rest://127.0.0.1:8080"] }, Ct);
        Assert.True(instanceId.Ok, instanceId.Error?.Detail);
        return (service, instanceId.Value!);
    }

    private static Task<List<string>> DescribeAsync(Replica replica) => replica.WriteAsync(w => w.Records
        .Select(r => $"{r.Key} {r.Version} {(r.Value is null ? "-" : System.Text.Encoding.UTF8.GetString(RecordValueCodec.Encode(r.Key.Kind, r.Value)))}")
        .Order(StringComparer.Ordinal).ToList(), Ct);

    private static List<string> DescribeSnapshot(RegistrySnapshot snapshot) => [.. snapshot.Services.Values
        .Select(s => $"{s.Ref} {s.Revision} {s.Tags.Count} {s.Schemas.Count} {s.Instances.Length}").Order(StringComparer.Ordinal)];

    /// <summary>A store that fails or holds commits on demand.</summary>
    private sealed class FaultyStore : IReplicaStore
    {
        public Exception? Fail { get; set; }

        public TaskCompletionSource? Hold { get; set; }

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken)
        {
            if (Hold is { } hold)
            {
                Held.TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
                Hold = null;
            }

            if (Fail is { } fail)
            {
                throw fail;
            }
        }
    }
}
