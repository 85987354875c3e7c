using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Batch find (I5) and batch heartbeat (I8).</summary>
public sealed class BatchApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private const string Action = V4 + "/instances/action?type=query";

    private async Task<string> RevisionOfFindAsync(string name)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Resource-Revision").Single();
    }

    [Fact]
    public async Task BatchFind_Services_SortsIntoUpdatedNotModifiedAndFailed()
    {
        var changed = UniqueName();
        var same = UniqueName();
        var changedId = await _server.RegisterServiceAsync(changed);
        var instanceId = await _server.RegisterInstanceAsync(changedId);
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(same));
        var sameRev = await RevisionOfFindAsync(same);
        var missing = UniqueName();

        using var response = await _server.SendAsync(HttpMethod.Post, Action, $$$"""
            {"services":[
              {"service":{"appId":"app","serviceName":"{{{changed}}}","version":"0+"},"rev":"old"},
              {"service":{"appId":"app","serviceName":"{{{same}}}","version":"0+"},"rev":"{{{sameRev}}}"},
              {"service":{"appId":"app","serviceName":"{{{missing}}}","version":"0+"}},
              {"service":{"appId":"app","serviceName":"{{{UniqueName()}}}","version":"0+"}}
            ]}
            """);

        var services = (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("services");
        var updated = Assert.Single(services.GetProperty("updated").EnumerateArray());
        Assert.Equal(0, updated.GetProperty("index").GetInt32());
        Assert.Equal(await RevisionOfFindAsync(changed), updated.GetProperty("rev").GetString());
        Assert.Equal(instanceId, Assert.Single(updated.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
        Assert.Equal([1], services.GetProperty("notModified").EnumerateArray().Select(e => e.GetInt32()));
        var failed = Assert.Single(services.GetProperty("failed").EnumerateArray());
        Assert.Equal([2, 3], failed.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
        var error = failed.GetProperty("error");
        Assert.Equal("400012", error.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("errorMessage").GetString()));
        Assert.False(services.TryGetProperty("instances", out _));
    }

    [Fact]
    public async Task BatchFind_FirstItemAtIndexZero_WritesTheIndex()
    {
        var name = UniqueName();
        await _server.RegisterServiceAsync(name);

        using var response = await _server.SendAsync(HttpMethod.Post, Action, $$$"""{"services":[{"service":{"appId":"app","serviceName":"{{{name}}}","version":"0+"}}]}""");

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"index\":0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchFind_Instances_SortsIntoUpdatedNotModifiedAndFailed()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var first = await _server.RegisterInstanceAsync(serviceId);
        var second = await _server.RegisterInstanceAsync(serviceId);
        using var one = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/{second}");
        var secondRev = one.Headers.GetValues("X-Resource-Revision").Single();

        using var response = await _server.SendAsync(HttpMethod.Post, Action, $$$"""
            {"instances":[
              {"instance":{"serviceId":"{{{serviceId}}}","instanceId":"{{{first}}}"}},
              {"instance":{"serviceId":"{{{serviceId}}}","instanceId":"{{{second}}}"},"rev":"{{{secondRev}}}"},
              {"instance":{"serviceId":"{{{serviceId}}}","instanceId":"nope"}}
            ]}
            """);

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        var instances = json.GetProperty("instances");
        var updated = Assert.Single(instances.GetProperty("updated").EnumerateArray());
        Assert.Equal(0, updated.GetProperty("index").GetInt32());
        Assert.Equal(first, Assert.Single(updated.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
        Assert.Equal([1], instances.GetProperty("notModified").EnumerateArray().Select(e => e.GetInt32()));
        var failed = Assert.Single(instances.GetProperty("failed").EnumerateArray());
        Assert.Equal([2], failed.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("400017", failed.GetProperty("error").GetProperty("errorCode").GetString());
        Assert.False(json.TryGetProperty("services", out _));
    }

    [Fact]
    public async Task BatchFind_WithConsumer_RecordsDependency()
    {
        var provider = UniqueName();
        var providerId = await _server.RegisterServiceAsync(provider);
        var consumer = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Post, Action, $$$"""{"services":[{"service":{"appId":"app","serviceName":"{{{provider}}}","version":"0+"}}]}""",
            new Dictionary<string, string> { ["X-ConsumerId"] = consumer });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}");
        await ScAssert.ErrorAsync(delete, 400023);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?type=")]
    [InlineData("?type=delete")]
    public async Task BatchFind_MissingOrUnknownType_Returns400001(string query)
    {
        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/instances/action" + query, """{"services":[{"service":{"appId":"app","serviceName":"x"}}]}""");

        var error = await ScAssert.ErrorAsync(response, 400001);
        Assert.StartsWith("Invalid action: ", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"services":[],"instances":[]}""")]
    public async Task BatchFind_BothListsEmpty_Returns400001(string body)
    {
        using var response = await _server.SendAsync(HttpMethod.Post, Action, body);

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task BatchHeartbeat_KnownUnknownAndDuplicate_AnswersPerItem()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        using var response = await _server.SendAsync(HttpMethod.Put, V4 + "/heartbeats", $$"""
            {"instances":[
              {"serviceId":"{{serviceId}}","instanceId":"{{instanceId}}"},
              {"serviceId":"{{serviceId}}","instanceId":"nope"},
              {"serviceId":"{{serviceId}}","instanceId":"{{instanceId}}"}
            ]}
            """);

        var items = (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(instanceId, items[0].GetProperty("instanceId").GetString());
        Assert.Equal(serviceId, items[0].GetProperty("serviceId").GetString());
        Assert.False(items[0].TryGetProperty("errMessage", out _));
        Assert.Equal("nope", items[1].GetProperty("instanceId").GetString());
        Assert.False(string.IsNullOrEmpty(items[1].GetProperty("errMessage").GetString()));
    }

    [Theory]
    [InlineData("""{"instances":[]}""")]
    [InlineData("""{}""")]
    public async Task BatchHeartbeat_EmptyList_Returns400001(string body)
    {
        using var response = await _server.SendAsync(HttpMethod.Put, V4 + "/heartbeats", body);

        await ScAssert.ErrorAsync(response, 400001);
    }
}
