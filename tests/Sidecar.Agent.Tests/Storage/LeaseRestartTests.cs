using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Agent.Storage;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>A lease keeps what was left of it across a restart: neither restarted from zero nor lost.</summary>
public sealed class LeaseRestartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-lease-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Restart_WithinTtl_InstanceKeepsItsRemainingLease()
    {
        ServiceRef service;
        await using (var agent = await OpenAsync())
        {
            var id = await agent.Registry.RegisterServiceAsync(Tenant.Default, new CreateServiceRequest { Service = new MicroService { AppId = "a", ServiceName = "s" } }, default);
            service = new ServiceRef("default", "default", id.Value!);
            Assert.True((await agent.Registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "h" }, default)).Ok);
        }

        // Down for 100 s of the 120 s lease.
        _time.Advance(TimeSpan.FromSeconds(100));
        await using (var agent = await OpenAsync())
        {
            await agent.Replica.SweepAsync();
            Assert.Single(agent.Replica.Snapshot.Services[service].Instances);

            _time.Advance(TimeSpan.FromSeconds(19));
            await agent.Replica.SweepAsync();
            Assert.Single(agent.Replica.Snapshot.Services[service].Instances);

            // 120 s after the last heartbeat: gone, although this run has lasted only 20 s.
            _time.Advance(TimeSpan.FromSeconds(1));
            await agent.Replica.SweepAsync();
            Assert.Empty(agent.Replica.Snapshot.Services[service].Instances);
        }
    }

    [Fact]
    public async Task Restart_AfterTtlPassed_InstanceExpiresAtTheFirstSweep()
    {
        ServiceRef service;
        await using (var agent = await OpenAsync())
        {
            var id = await agent.Registry.RegisterServiceAsync(Tenant.Default, new CreateServiceRequest { Service = new MicroService { AppId = "a", ServiceName = "s" } }, default);
            service = new ServiceRef("default", "default", id.Value!);
            await agent.Registry.RegisterInstanceAsync(service, new MicroServiceInstance { HostName = "h" }, default);
        }

        _time.Advance(TimeSpan.FromSeconds(121));
        await using (var agent = await OpenAsync())
        {
            // Served from the persisted copy until the sweep runs...
            Assert.Single(agent.Replica.Snapshot.Services[service].Instances);
            await agent.Replica.SweepAsync();
            Assert.Empty(agent.Replica.Snapshot.Services[service].Instances);
        }
    }

    [Fact]
    public async Task SaveMembers_ThenReopen_LoadsTheLastSnapshot()
    {
        await using (var agent = await OpenAsync())
        {
            agent.Store.SaveMembers([new PersistedMember("a", "10.0.0.1:7946", 3, "alive"), new PersistedMember("b", "10.0.0.2:7946", 1, "dead")]);
            agent.Store.SaveMembers([new PersistedMember("a", "10.0.0.1:7946", 4, "alive")]);
        }

        await using var reopened = await OpenAsync();
        var member = Assert.Single(reopened.Store.LoadMembers());
        Assert.Equal(new PersistedMember("a", "10.0.0.1:7946", 4, "alive"), member);
    }

    private Task<Agent> OpenAsync()
    {
        var (store, state) = LiteDbReplicaStore.Open(_dataDir, _time, NullLogger.Instance);
        store.SaveIdentity("lease-node", state.Identity);
        store.Start();
        var replica = new Replica("lease-node", _time, store);
        replica.Restore(state.Records, state.Leases);
        replica.Start();
        return Task.FromResult(new Agent(replica, new LocalRegistry(replica), store));
    }

    private sealed record Agent(Replica Replica, LocalRegistry Registry, LiteDbReplicaStore Store) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Replica.DisposeAsync();
            Store.Dispose();
        }
    }
}
