using Microsoft.Extensions.Time.Testing;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Versioning;

namespace Sidecar.Tests.Replication;

public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Replica _replica;
    private readonly LocalRegistry _registry;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ReplicaTests()
    {
        _replica = new Replica("node1", _time);
        _registry = new LocalRegistry(_replica);
    }

    public ValueTask InitializeAsync()
    {
        _replica.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _replica.DisposeAsync();

    // The fake clock also fires the 1 s sweep timer during Advance; the explicit sweep after it queues behind
    // that one (the writer loop is FIFO), so the asserts see the state after every due sweep.
    [Fact]
    public async Task Sweep_LeaseOfDefaultHealthCheck_ExpiresAfter120Seconds()
    {
        var (service, instanceId) = await RegisterAsync();

        _time.Advance(TimeSpan.FromSeconds(119));
        await _replica.SweepAsync();
        Assert.Single(_replica.Snapshot.Services[service].Instances);

        _time.Advance(TimeSpan.FromSeconds(1));
        await _replica.SweepAsync();
        Assert.Empty(_replica.Snapshot.Services[service].Instances);
        Assert.False((await _registry.HeartbeatAsync(service, instanceId, Ct)).Ok);
    }

    [Fact]
    public async Task Heartbeat_BeforeExpiry_RenewsTheFullTtl()
    {
        var (service, instanceId) = await RegisterAsync();

        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.True((await _registry.HeartbeatAsync(service, instanceId, Ct)).Ok);
        _time.Advance(TimeSpan.FromSeconds(100));

        await _replica.SweepAsync();
        Assert.Single(_replica.Snapshot.Services[service].Instances);
    }

    [Fact]
    public async Task Sweep_ShortTtl_IsClampedToPushMinimum()
    {
        // interval 1 / times 0 is stored as 5 / 3: TTL 20 s.
        var (service, _) = await RegisterAsync(new HealthCheck { Mode = "push", Interval = 1, Times = 0 });

        _time.Advance(TimeSpan.FromSeconds(19));
        await _replica.SweepAsync();
        Assert.Single(_replica.Snapshot.Services[service].Instances);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _replica.SweepAsync();
        Assert.Empty(_replica.Snapshot.Services[service].Instances);
    }

    [Fact]
    public async Task Timer_AdvancingFakeTime_SweepsWithoutBeingCalled()
    {
        var (service, _) = await RegisterAsync();

        _time.Advance(TimeSpan.FromSeconds(121));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_replica.Snapshot.Services[service].Instances.Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Empty(_replica.Snapshot.Services[service].Instances);
    }

    [Fact]
    public async Task Subscribe_Expiry_IsAnnouncedAsTombstoneWithTheLastValue()
    {
        var (_, instanceId) = await RegisterAsync();
        var seen = new List<RecordChange>();
        using var subscription = _replica.Subscribe(set => { lock (seen) { seen.AddRange(set.Changes); } });

        _time.Advance(TimeSpan.FromSeconds(120));
        await _replica.SweepAsync();

        var change = Assert.Single(seen);
        Assert.True(change.After.IsTombstone);
        Assert.Equal(instanceId, ((MicroServiceInstance)change.Before!.Value!).InstanceId);
    }

    [Fact]
    public async Task Find_UnchangedAnswer_KeepsRevisionAndIndex_ChangedAnswer_ChangesBoth()
    {
        var (service, instanceId) = await RegisterAsync();
        var key = new NameKey("default", "default", "", "app", "svc");
        var first = _replica.Snapshot.Find(key)!;

        await _registry.HeartbeatAsync(service, instanceId, Ct);
        await _registry.RegisterServiceAsync(Tenant.Default, new CreateServiceRequest { Service = new MicroService { AppId = "app", ServiceName = "other" } }, Ct);
        var unchanged = _replica.Snapshot.Find(key)!;
        Assert.Equal(first.Revision, unchanged.Revision);
        Assert.Equal(first.Index, unchanged.Index);

        await _registry.UpdateInstanceStatusAsync(service, instanceId, "DOWN", Ct);
        var changed = _replica.Snapshot.Find(key)!;
        Assert.NotEqual(first.Revision, changed.Revision);
        Assert.True(changed.Index > first.Index);
    }

    [Fact]
    public async Task WaitForChange_CompletesOnNextPublish()
    {
        var index = _replica.Snapshot.Index;
        var waiting = _replica.WaitForChangeAsync(index, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        await RegisterAsync();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Find_ByVersionRule_SelectsVersions()
    {
        foreach (var version in new[] { "1.0.0", "1.2.0", "2.0.0" })
        {
            var id = (await _registry.RegisterServiceAsync(Tenant.Default,
                new CreateServiceRequest { Service = new MicroService { AppId = "app", ServiceName = "multi", Version = version } }, Ct)).Value!;
            await _registry.RegisterInstanceAsync(new ServiceRef("default", "default", id), new MicroServiceInstance { HostName = "h" + version }, Ct);
        }

        Assert.True(VersionRule.TryParse("1.0.0-2.0.0", out var range));
        var found = Discovery.Find(_replica.Snapshot, Tenant.Default, null, null, "app", "multi", range, null);

        Assert.True(found.Ok);
        Assert.Equal(["1.2.0", "1.0.0"], found.Value.Services.Select(s => s.Service.Version));
        Assert.True(VersionRule.TryParse("3.0.0", out var missing));
        Assert.Equal(ErrorCode.ServiceNotExists, Discovery.Find(_replica.Snapshot, Tenant.Default, null, null, "app", "multi", missing, null).Error!.ErrorCode);
    }

    private async Task<(ServiceRef Service, string InstanceId)> RegisterAsync(HealthCheck? healthCheck = null)
    {
        var serviceId = await _registry.RegisterServiceAsync(Tenant.Default,
            new CreateServiceRequest { Service = new MicroService { AppId = "app", ServiceName = "svc", Version = "1.0.0" } }, Ct);
        var service = new ServiceRef("default", "default", serviceId.Value!);
        var instanceId = await _registry.RegisterInstanceAsync(service,
            new MicroServiceInstance { HostName = "host", Endpoints = ["rest://127.0.0.1:8080"], HealthCheck = healthCheck }, Ct);
        Assert.True(instanceId.Ok, instanceId.Error?.Detail);
        return (service, instanceId.Value!);
    }
}
