using System.Net;
using System.Text.Json;
using Sidecar.Agent.Upstreams;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>M6: <c>/v4/default/admin/dump</c> and <c>/admin/clusters</c>, read the way Service-Center's aggregator reads them.</summary>
public sealed class AdminDumpTests : IAsyncLifetime
{
    private const string Dump = "/v4/default/admin/dump";

    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync(o => o with { ClusterName = "east" });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Puts a service with one instance into the replica as another source would (a remote pull, another agent).</summary>
    private async Task<(string ServiceId, string InstanceId)> MergeFromAsync(string source, string name)
    {
        var service = new ServiceRef("default", "default", ServiceIds.ForService("default", "default", "", "app", name, "1.0.0"));
        var instanceId = Guid.NewGuid().ToString("N");
        var clock = _server.Replica.Clock.Next();
        await _server.Replica.MergeAsync(
        [
            new Record(RecordKey.ForService(source, service), new RecordVersion(clock, source),
                new MicroService { ServiceId = service.ServiceId, AppId = "app", ServiceName = name, Version = "1.0.0", Level = "BACK", Status = "UP" }),
            new Record(RecordKey.ForInstance(source, service, instanceId), new RecordVersion(clock, source),
                new MicroServiceInstance
                {
                    InstanceId = instanceId, ServiceId = service.ServiceId, HostName = "pod-" + name, Status = "UP", Version = "1.0.0",
                    Endpoints = ["rest://10.1.0.1:8080"], Timestamp = "1", ModTimestamp = "1",
                }),
        ], source.StartsWith("sc:", StringComparison.Ordinal) ? RecordOrigin.Upstream : RecordOrigin.Gossip, TestContext.Current.CancellationToken);
        return (service.ServiceId, instanceId);
    }

    [Fact]
    public async Task Dump_PulledByAnAggregator_KeepsEachEntrysClusterOfOrigin()
    {
        var local = UniqueName("local");
        var localId = await _server.RegisterServiceAsync(local, alias: "app:" + local);
        var localInstance = await _server.RegisterInstanceAsync(localId);
        var (remoteId, remoteInstance) = await MergeFromAsync("sc:north", UniqueName("remote"));
        var (peerId, peerInstance) = await MergeFromAsync("agent:peer-node", UniqueName("peer"));

        var pull = await ScAggregatorPull.PullAsync(_server.Client, remoteName: "sidecar-east", ownCluster: "south");

        Assert.Equal("east", pull.Service(localId).Cluster);
        Assert.Equal(local, pull.Service(localId).Value.GetProperty("serviceName").GetString());
        Assert.Equal("east", pull.Instance(localId, localInstance).Cluster);
        Assert.Equal(localInstance, pull.Instance(localId, localInstance).Value.GetProperty("instanceId").GetString());
        Assert.Equal("1.0.0", pull.Instance(localId, localInstance).Value.GetProperty("version").GetString());
        Assert.Equal("north", pull.Service(remoteId).Cluster);
        Assert.Equal("north", pull.Instance(remoteId, remoteInstance).Cluster);
        Assert.Equal("east", pull.Instance(peerId, peerInstance).Cluster);
        Assert.Equal(localId, pull.Entries("serviceIndexes").Single(e => e.Key == $"/cse-sr/ms/indexes/default/default//app/{local}/1.0.0").Value.GetString());
        Assert.Equal(localId, pull.Entries("serviceAliases").Single(e => e.Key == $"/cse-sr/ms/alias/default/default//app/app:{local}/1.0.0").Value.GetString());
        Assert.All(pull.Entries("instances"), e => Assert.True(e.Rev > 0, e.Key));
    }

    [Fact]
    public async Task Dump_AggregatorOfTheOriginCluster_SkipsItsOwnEntries()
    {
        var (remoteId, remoteInstance) = await MergeFromAsync("sc:north", UniqueName("remote"));
        var localId = await _server.RegisterServiceAsync(UniqueName("local"));

        // Service-Center "north" pulling this agent must not get its own data back.
        var pull = await ScAggregatorPull.PullAsync(_server.Client, remoteName: "sidecar-east", ownCluster: "north");

        Assert.Null(pull.Entries("instances").SingleOrDefault(e => e.Key.EndsWith("/" + remoteInstance, StringComparison.Ordinal)));
        Assert.Null(pull.Entries("services").SingleOrDefault(e => e.Key.EndsWith("/" + remoteId, StringComparison.Ordinal)));
        Assert.Equal("east", pull.Service(localId).Cluster);
    }

    [Fact]
    public async Task Dump_DefaultClusterName_IsRelabelledWithTheAggregatorsNameForIt()
    {
        await using var server = await StartAsync();
        var id = await server.RegisterServiceAsync(UniqueName());

        var pull = await ScAggregatorPull.PullAsync(server.Client, remoteName: "sc2", ownCluster: "sc1");

        Assert.Equal("sc2", pull.Service(id).Cluster);
    }

    [Fact]
    public async Task Dump_InstanceChange_RaisesItsRev()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        var instance = await _server.RegisterInstanceAsync(id);
        var before = (await ScAggregatorPull.PullAsync(_server.Client, "sidecar-east", "south")).Instance(id, instance);

        using (var status = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/instances/{instance}/status?value=DOWN"))
        {
            await ScAssert.EmptyOkAsync(status);
        }

        var after = (await ScAggregatorPull.PullAsync(_server.Client, "sidecar-east", "south")).Instance(id, instance);
        Assert.True(after.Rev > before.Rev, $"{after.Rev} > {before.Rev}");
        Assert.Equal("DOWN", after.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Dump_CoversEveryTenantWithTagsAndSchemaSummaries()
    {
        var other = await _server.RegisterServiceAsync(UniqueName(), domain: "tenant2");
        var id = await _server.RegisterServiceAsync(UniqueName());
        using (var tags = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{id}/tags", """{"tags":{"blue":"yes"}}"""))
        {
            await ScAssert.EmptyOkAsync(tags);
        }

        using (var schema = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/schemas/hello", """{"schema":"openapi","summary":"s1"}"""))
        {
            await ScAssert.EmptyOkAsync(schema);
        }

        var pull = await ScAggregatorPull.PullAsync(_server.Client, "sidecar-east", "south");

        Assert.Single(pull.Entries("services"), e => e.Key == $"/cse-sr/ms/files/tenant2/default/{other}");
        Assert.Equal("yes", pull.Entries("serviceTags").Single(e => e.Key == $"/cse-sr/ms/tags/default/default/{id}").Value.GetProperty("blue").GetString());
        Assert.Equal("s1", pull.Entries("summaries").Single(e => e.Key == $"/cse-sr/ms/schema-sum/default/default/{id}/hello").Value.GetString());
    }

    [Theory]
    [InlineData(Dump, "other")]
    [InlineData("/v4/proj/admin/dump", null)]
    [InlineData("/v4/default/admin/clusters", "other")]
    public async Task Admin_OtherDomainOrProject_Returns403001(string path, string? domain)
    {
        var headers = domain is null ? null : new Dictionary<string, string> { ["X-Domain-Name"] = domain };

        using var response = await _server.SendAsync(HttpMethod.Get, path, headers: headers);

        await ScAssert.ErrorAsync(response, 403001);
    }

    [Fact]
    public async Task Clusters_ListsOwnClusterAndTheRemoteOnes()
    {
        var west = new Uri($"http://127.0.0.1:{Upstreams.UpstreamTestKit.FreePort()}/");
        await using var server = await StartAsync(o => o with
        {
            ClusterName = "east",
            Clusters = [new UpstreamEndpoint("west", [west])],
            Aggregate = ["servicecenter"],
        });

        var json = await server.GetJsonAsync("/v4/default/admin/clusters", new Dictionary<string, string> { ["X-Domain-Name"] = "default" });

        var clusters = json.GetProperty("clusters");
        Assert.Equal([server.BaseAddress.ToString().TrimEnd('/')], clusters.GetProperty("east").EnumerateArray().Select(u => u.GetString()!.TrimEnd('/')));
        Assert.Equal([west.ToString().TrimEnd('/')], clusters.GetProperty("west").EnumerateArray().Select(u => u.GetString()));
    }
}
