using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>The agent's own /v1 API: health, readiness and the compact lookup with blocking queries.</summary>
public sealed class AgentApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long IndexOf(HttpResponseMessage response) => long.Parse(response.Headers.GetValues("X-Sidecar-Index").Single(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Health_Get_Returns200()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, "/v1/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_StartedAgent_Returns200()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, "/v1/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Instances_RegisteredService_AnswersCompactListWithIndex()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name, "1.0.0", appId: "app");
        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h1","endpoints":["rest://10.0.0.1:8080"],"dataCenterInfo":{"name":"dc","region":"r1","availableZone":"az1"}}""");

        using var response = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app");

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(name, json.GetProperty("serviceName").GetString());
        Assert.Equal(IndexOf(response), json.GetProperty("index").GetInt64());
        Assert.True(IndexOf(response) > 0);
        var instance = Assert.Single(json.GetProperty("instances").EnumerateArray());
        Assert.Equal(instanceId, instance.GetProperty("instanceId").GetString());
        Assert.Equal(serviceId, instance.GetProperty("serviceId").GetString());
        Assert.Equal("az1", instance.GetProperty("zone").GetString());
        Assert.Equal("rest://10.0.0.1:8080", Assert.Single(instance.GetProperty("endpoints").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Instances_IgnoreCase_ExactNameFirstThenOrdinallySmallestOfTheNamesDifferingInCase()
    {
        var name = "Case" + UniqueName();
        var upper = await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name.ToUpperInvariant(), appId: "app"));
        var mixed = await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name, appId: "app"));

        using var exactOnly = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name.ToLowerInvariant()}/instances?appId=app");
        using var lowered = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name.ToLowerInvariant()}/instances?appId=app&ignoreCase=true");
        using var exact = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app&ignoreCase=true");

        Assert.Empty((await ReadJsonAsync(exactOnly, HttpStatusCode.OK)).GetProperty("instances").EnumerateArray());
        var loweredJson = await ReadJsonAsync(lowered, HttpStatusCode.OK);
        Assert.Equal(name.ToUpperInvariant(), loweredJson.GetProperty("serviceName").GetString());
        Assert.Equal(upper, Assert.Single(loweredJson.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
        var exactJson = await ReadJsonAsync(exact, HttpStatusCode.OK);
        Assert.Equal(name, exactJson.GetProperty("serviceName").GetString());
        Assert.Equal(mixed, Assert.Single(exactJson.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Instances_IgnoreCaseBlockingQuery_ReturnsWhenTheServiceAppearsInAnotherCase()
    {
        var name = "Case" + UniqueName();
        using var first = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name.ToLowerInvariant()}/instances?appId=app&ignoreCase=true");
        Assert.Equal(0, IndexOf(first));

        var blocked = _server.SendAsync(HttpMethod.Get, $"/v1/services/{name.ToLowerInvariant()}/instances?appId=app&ignoreCase=true&index=0&wait=5m");
        var serviceId = await _server.RegisterServiceAsync(name, appId: "app");
        using var appeared = await blocked.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(name, (await ReadJsonAsync(appeared, HttpStatusCode.OK)).GetProperty("serviceName").GetString());

        var next = _server.SendAsync(HttpMethod.Get, $"/v1/services/{name.ToLowerInvariant()}/instances?appId=app&ignoreCase=true&index={IndexOf(appeared)}&wait=5m");
        var added = await _server.RegisterInstanceAsync(serviceId);
        using var response = await next.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.True(IndexOf(response) > IndexOf(appeared));
        Assert.Equal(added, Assert.Single(json.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Instances_UnknownService_AnswersEmptyListWithIndexZero()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{UniqueName()}/instances");

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Empty(json.GetProperty("instances").EnumerateArray());
        Assert.Equal(0, IndexOf(response));
    }

    [Fact]
    public async Task Instances_BlockingQuery_ReturnsWhenTheAnswerChanges()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name, appId: "app");
        await _server.RegisterInstanceAsync(serviceId);
        using var first = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app");
        var index = IndexOf(first);

        var blocked = _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app&index={index}&wait=5m");
        // Changes elsewhere do not answer the query.
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(UniqueName(), appId: "app"));
        await Task.Delay(200, Ct);
        Assert.False(blocked.IsCompleted, "a change of another service answered the blocking query");
        var added = await _server.RegisterInstanceAsync(serviceId);
        using var response = await blocked.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.True(IndexOf(response) > index);
        Assert.Equal(2, json.GetProperty("instances").GetArrayLength());
        Assert.Contains(json.GetProperty("instances").EnumerateArray(), i => i.GetProperty("instanceId").GetString() == added);
    }

    [Fact]
    public async Task Instances_BlockingQueryWaitElapses_ReturnsTheSameIndex()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name, appId: "app"));
        using var first = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app");
        var index = IndexOf(first);

        using var response = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app&index={index}&wait=300ms");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(index, IndexOf(response));
    }

    [Fact]
    public async Task Instances_StaleIndex_ReturnsAtOnce()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name, appId: "app"));

        using var response = await _server.SendAsync(HttpMethod.Get, $"/v1/services/{name}/instances?appId=app&index=0&wait=5m").WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(IndexOf(response) > 0);
    }

    [Theory]
    [InlineData("index=-1")]
    [InlineData("index=abc")]
    [InlineData("wait=soon")]
    [InlineData("ignoreCase=yes")]
    [InlineData("env=staging")]
    [InlineData("appId=a%20b")]
    public async Task Instances_BadQuery_Returns400001(string query)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"/v1/services/svc/instances?{query}");

        await ScAssert.ErrorAsync(response, 400001);
    }
}
