using Microsoft.Extensions.Time.Testing;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Tests.Replication;

/// <summary>Leases count down on the monotonic clock; the wall clock only gives the persisted expiry.</summary>
public sealed class LeaseClockTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly SteppingClock _clock = new(new FakeTimeProvider(s_start));
    private readonly RecordingStore _store = new();
    private readonly Replica _replica;
    private readonly LocalRegistry _registry;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LeaseClockTests()
    {
        _replica = new Replica("node1", _clock, _store);
        _registry = new LocalRegistry(_replica);
    }

    public ValueTask InitializeAsync()
    {
        _replica.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _replica.DisposeAsync();

    [Fact]
    public async Task Sweep_WallClockStepsForwardAnHour_NoInstanceExpires()
    {
        var service = await RegisterServiceAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await _registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "h" + i }, Ct)).Ok);
        }

        _clock.StepWallClock(TimeSpan.FromHours(1));
        Assert.Equal(0, await _replica.SweepAsync());
        Assert.Equal(5, _replica.Snapshot.Services[service].Instances.Length);

        // The leases still end 120 s after registration, by the monotonic clock.
        _clock.Monotonic.Advance(TimeSpan.FromSeconds(119));
        await _replica.SweepAsync();
        Assert.Equal(5, _replica.Snapshot.Services[service].Instances.Length);
        _clock.Monotonic.Advance(TimeSpan.FromSeconds(1));
        await _replica.SweepAsync();
        Assert.Empty(_replica.Snapshot.Services[service].Instances);
    }

    [Fact]
    public async Task Sweep_WallClockStepsBack_LeaseStillEndsAfterItsTtl()
    {
        var service = await RegisterServiceAsync();
        Assert.True((await _registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "h" }, Ct)).Ok);

        _clock.StepWallClock(TimeSpan.FromHours(-1));
        _clock.Monotonic.Advance(TimeSpan.FromSeconds(120));
        await _replica.SweepAsync();

        Assert.Empty(_replica.Snapshot.Services[service].Instances);
    }

    [Fact]
    public async Task Register_PersistsTheWallClockExpiry()
    {
        var service = await RegisterServiceAsync();
        _clock.StepWallClock(TimeSpan.FromMinutes(7));
        var instanceId = (await _registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "h" }, Ct)).Value!;

        var persisted = _store.Leases.Last(l => l.Key.Item == instanceId).Value;
        Assert.Equal(new Lease(TimeSpan.FromSeconds(120), s_start + TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(120)), persisted);
    }

    [Fact]
    public async Task Restore_PersistedExpiry_IsWhatIsLeftThenCountsDownMonotonically()
    {
        var clock = new SteppingClock(new FakeTimeProvider(s_start));
        var service = new ServiceRef("default", "default", "svc");
        var key = RecordKey.ForInstance("agent:node2", service, "i1");
        var version = new RecordVersion(1, "node2");
        await using var replica = new Replica("node2", clock);
        replica.Restore(
            [
                new Sidecar.Replication.Record(RecordKey.ForService("agent:node2", service), version,
                    new MicroService { ServiceId = "svc", AppId = "a", ServiceName = "s", Version = "1.0.0", Level = "BACK", Status = "UP" }),
                new Sidecar.Replication.Record(key, version,
                    new MicroServiceInstance { InstanceId = "i1", ServiceId = "svc", HostName = "h", Endpoints = ["rest://10.0.0.1:8080"], Status = "UP" }),
            ],
            [KeyValuePair.Create(key, new Lease(TimeSpan.FromSeconds(120), s_start + TimeSpan.FromSeconds(30)))]);
        replica.Start();
        Assert.Equal(0, replica.Gate.RefusedCount(RecordOrigin.Restore));

        clock.StepWallClock(TimeSpan.FromHours(2));
        clock.Monotonic.Advance(TimeSpan.FromSeconds(29));
        await replica.SweepAsync();
        Assert.Single(replica.Snapshot.Services[service].Instances);

        clock.Monotonic.Advance(TimeSpan.FromSeconds(1));
        await replica.SweepAsync();
        Assert.Empty(replica.Snapshot.Services[service].Instances);
    }

    private async Task<ServiceRef> RegisterServiceAsync()
    {
        var id = await _registry.RegisterServiceAsync(Tenant.Default, new CreateServiceRequest { Service = new MicroService { AppId = "a", ServiceName = "s" } }, Ct);
        return new ServiceRef("default", "default", id.Value!);
    }

    private sealed class RecordingStore : IReplicaStore
    {
        private readonly List<KeyValuePair<RecordKey, Lease>> _leases = [];

        public IReadOnlyList<KeyValuePair<RecordKey, Lease>> Leases
        {
            get
            {
                lock (_leases)
                {
                    return [.. _leases];
                }
            }
        }

        public ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken)
        {
            lock (_leases)
            {
                _leases.AddRange(batch.Leases.Where(l => l.Value is not null).Select(l => KeyValuePair.Create(l.Key, l.Value!.Value)));
            }

            return ValueTask.CompletedTask;
        }
    }
}
