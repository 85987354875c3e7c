using System.Net;
using System.Text.Json;
using Sidecar.Registry;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary><c>GET /v1/services</c>: service names with instance counts, as a blocking query.</summary>
public sealed class ServiceListApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_CountsInstancesOfEveryVersion_AndUpOnes()
    {
        var name = UniqueName();
        var v1 = await _server.RegisterServiceAsync(name, "1.0.0", appId: "shop");
        var v2 = await _server.RegisterServiceAsync(name, "2.0.0", appId: "shop");
        await _server.RegisterInstanceAsync(v1);
        await _server.RegisterInstanceAsync(v2);
        await _server.RegisterInstanceAsync(v2, """{"hostName":"h","endpoints":["rest://10.0.0.2:80"],"status":"DOWN"}""");
        await _server.RegisterServiceAsync(UniqueName(), appId: "other");

        using var response = await _server.Client.GetAsync("/v1/services", Ct);
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(json.GetProperty("index").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Sidecar-Index").Single());
        var services = json.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(2, services.Count);
        Assert.Equal(["other", "shop"], services.Select(s => s.GetProperty("appId").GetString()));
        var shop = services[1];
        Assert.Equal(name, shop.GetProperty("serviceName").GetString());
        Assert.Equal("", shop.GetProperty("environment").GetString());
        Assert.Equal(["2.0.0", "1.0.0"], shop.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(3, shop.GetProperty("instances").GetInt32());
        Assert.Equal(2, shop.GetProperty("up").GetInt32());
        Assert.Equal(["agent:test-node"], shop.GetProperty("sources").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task List_ShowsOnlyTheRequestsDomain()
    {
        await _server.RegisterServiceAsync(UniqueName(), domain: "tenant2");

        var json = await _server.GetJsonAsync("/v1/services");
        var other = await _server.GetJsonAsync("/v1/services", new Dictionary<string, string> { ["X-Domain-Name"] = "tenant2" });

        Assert.Empty(json.GetProperty("services").EnumerateArray());
        Assert.Single(other.GetProperty("services").EnumerateArray());
    }

    [Fact]
    public async Task BlockingQuery_AnswersWhenTheRegistryChanges()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var index = (await _server.GetJsonAsync("/v1/services")).GetProperty("index").GetInt64();

        var pending = _server.Client.GetAsync($"/v1/services?index={index}&wait=60s", Ct);
        await Task.Delay(300, Ct);
        Assert.False(pending.IsCompleted, "nothing changed yet, so the query still waits");
        await _server.RegisterInstanceAsync(serviceId);

        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.True(json.GetProperty("index").GetInt64() > index);
        Assert.Equal(1, json.GetProperty("services")[0].GetProperty("instances").GetInt32());
    }

    [Fact]
    public async Task BlockingQuery_WaitElapsed_AnswersTheSameIndex()
    {
        await _server.RegisterServiceAsync(UniqueName());
        var index = (await _server.GetJsonAsync("/v1/services")).GetProperty("index").GetInt64();

        var json = await _server.GetJsonAsync($"/v1/services?index={index}&wait=200ms");

        Assert.Equal(index, json.GetProperty("index").GetInt64());
    }

    [Theory]
    [InlineData("index=-1")]
    [InlineData("index=abc")]
    [InlineData("index=1&wait=soon")]
    public async Task BadQuery_Answers400(string query)
    {
        using var response = await _server.Client.GetAsync("/v1/services?" + query, Ct);

        await ScAssert.ErrorAsync(response, ErrorCode.InvalidParams);
    }
}
