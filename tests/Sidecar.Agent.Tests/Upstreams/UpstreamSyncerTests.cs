using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using Sidecar.Agent.Sources;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>The syncer against an in-process agent standing as remote cluster sc2.</summary>
public sealed class UpstreamSyncerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pull_RemoteInstances_ImportedAsSourceWithClusterProperty()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        var instanceId = await sc2.RegisterInstanceAsync(serviceId);
        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);

        var result = await kit.Syncer.PullAsync(Ct);

        Assert.NotNull(result);
        var instance = Assert.Single(kit.InstancesOf("sc:sc2"));
        Assert.Equal(instanceId, instance.Instance.InstanceId);
        Assert.Equal("sc2", instance.Instance.Properties!["cluster"]);
        Assert.Equal(SourceState.Fresh, kit.Status("sc:sc2").State);
        var answer = kit.Replica.Snapshot.Find(new Replication.NameKey("default", "default", "", "demo", "Server"));
        Assert.Equal(serviceId, Assert.Single(answer!.Services).Ref.ServiceId);
    }

    [Fact]
    public async Task Pull_Unchanged_CostsNotModified()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        await sc2.RegisterInstanceAsync(serviceId);
        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);
        await kit.Syncer.PullAsync(Ct);
        var before = kit.Handler.Statuses.Count;

        var result = await kit.Syncer.PullAsync(Ct);

        Assert.Equal(0, result!.Written + result.Removed);
        var second = kit.Handler.Statuses.Skip(before).ToList();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotModified], second);
    }

    [Fact]
    public async Task Pull_AfterRestartWithPersistedCursors_CostsNotModified()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        await sc2.RegisterInstanceAsync(serviceId);
        var dataDir = UpstreamTestKit.TempDir();
        var first = Agent.Storage.LiteDbReplicaStore.Open(dataDir, TimeProvider.System, NullLogger.Instance);
        first.Store.SaveIdentity("c1-node", null);
        first.Store.Start();
        await using (var kit = UpstreamTestKit.Create("sc2", first, sc2.BaseAddress))
        {
            await kit.Syncer.PullAsync(Ct);
        }

        first.Store.Dispose();
        var second = Agent.Storage.LiteDbReplicaStore.Open(dataDir, TimeProvider.System, NullLogger.Instance);
        second.Store.Start();
        try
        {
            await using var restarted = UpstreamTestKit.Create("sc2", second, sc2.BaseAddress);
            var result = await restarted.Syncer.PullAsync(Ct);

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotModified], restarted.Handler.Statuses);
            Assert.Equal(0, result!.Written + result.Removed);
            Assert.Single(restarted.InstancesOf("sc:sc2"));
        }
        finally
        {
            second.Store.Dispose();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Pull_InstanceChangedAndRemoved_Applied()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        var first = await sc2.RegisterInstanceAsync(serviceId);
        var second = await sc2.RegisterInstanceAsync(serviceId);
        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);
        await kit.Syncer.PullAsync(Ct);

        (await sc2.SendAsync(HttpMethod.Put, $"{AgentServer.V4}/microservices/{serviceId}/instances/{first}/status?value=DOWN")).Dispose();
        (await sc2.SendAsync(HttpMethod.Delete, $"{AgentServer.V4}/microservices/{serviceId}/instances/{second}")).Dispose();
        await kit.Syncer.PullAsync(Ct);

        var left = Assert.Single(kit.InstancesOf("sc:sc2"));
        Assert.Equal(first, left.Instance.InstanceId);
        Assert.Equal("DOWN", left.Instance.Status);
    }

    [Fact]
    public async Task Pull_RemoteDown_KeepsLastPullAndTurnsStale()
    {
        var port = UpstreamTestKit.FreePort();
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        await sc2.RegisterInstanceAsync(serviceId);
        // Two URLs for one name: the first refuses connections, the second answers.
        await using var kit = UpstreamTestKit.Create("sc2", new Uri($"http://127.0.0.1:{port}"), sc2.BaseAddress);
        Assert.NotNull(await kit.Syncer.PullAsync(Ct));
        Assert.Single(kit.InstancesOf("sc:sc2"));

        await sc2.App.StopAsync(Ct);
        var result = await kit.Syncer.PullAsync(Ct);

        Assert.Null(result);
        Assert.Single(kit.InstancesOf("sc:sc2"));
        var status = kit.Status("sc:sc2");
        Assert.Equal(SourceState.Stale, status.State);
        Assert.NotNull(status.LastSuccess);
        Assert.False(string.IsNullOrEmpty(status.LastError));
        Assert.True(kit.Tracker.Describe(["sc:sc2"]).Stale);
    }

    [Fact]
    public async Task Pull_MassRemoval_HeldUntilConfirmedThenApplied()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await sc2.RegisterInstanceAsync(serviceId));
        }

        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);
        await kit.Syncer.PullAsync(Ct);
        Assert.Equal(10, kit.InstancesOf("sc:sc2").Count);
        foreach (var id in ids.Skip(1))
        {
            (await sc2.SendAsync(HttpMethod.Delete, $"{AgentServer.V4}/microservices/{serviceId}/instances/{id}")).Dispose();
        }

        Assert.Equal(9, (await kit.Syncer.PullAsync(Ct))!.HeldRemovals);
        Assert.Equal(10, kit.InstancesOf("sc:sc2").Count);
        Assert.Equal(9, (await kit.Syncer.PullAsync(Ct))!.HeldRemovals);
        Assert.Equal(10, kit.InstancesOf("sc:sc2").Count);

        var applied = await kit.Syncer.PullAsync(Ct);

        Assert.Equal(0, applied!.HeldRemovals);
        Assert.Equal(ids[0], Assert.Single(kit.InstancesOf("sc:sc2")).Instance.InstanceId);
    }

    [Fact]
    public async Task Pull_SmallRemoval_AppliedAtOnce()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await sc2.RegisterInstanceAsync(serviceId));
        }

        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);
        await kit.Syncer.PullAsync(Ct);
        foreach (var id in ids.Take(7))
        {
            (await sc2.SendAsync(HttpMethod.Delete, $"{AgentServer.V4}/microservices/{serviceId}/instances/{id}")).Dispose();
        }

        var result = await kit.Syncer.PullAsync(Ct);

        Assert.Equal(0, result!.HeldRemovals);
        Assert.Equal(3, kit.InstancesOf("sc:sc2").Count);
    }

    [Fact]
    public async Task Pull_InstanceAlreadyCarryingCluster_NotImported()
    {
        await using var sc2 = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await sc2.RegisterServiceAsync("Server", appId: "demo");
        await sc2.RegisterInstanceAsync(serviceId, """{"hostName":"h","endpoints":["rest://10.0.0.9:80"],"properties":{"cluster":"sc1"}}""");
        var other = await sc2.RegisterServiceAsync("Copied", appId: "demo");
        await sc2.RegisterInstanceAsync(other, """{"hostName":"h2","endpoints":["rest://10.0.0.8:80"],"properties":{"cluster":"sc1"}}""");
        var own = await sc2.RegisterInstanceAsync(serviceId);
        await using var kit = UpstreamTestKit.Create("sc2", sc2.BaseAddress);

        await kit.Syncer.PullAsync(Ct);

        Assert.Equal(own, Assert.Single(kit.InstancesOf("sc:sc2")).Instance.InstanceId);
        Assert.Null(kit.Replica.Snapshot.Service("default", "default", other));
    }
}
