using System.Net;
using System.Text;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Registry;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>The loopback API refuses what only a web page would send: foreign Host headers, non-JSON bodies.</summary>
public sealed class BrowserGuardTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:30100")]
    [InlineData("10.1.2.3")]
    [InlineData("localhost.evil.example")]
    public async Task Get_ForeignHost_Answers403InScFormat(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        request.Headers.Host = host;
        using var response = await _server.Client.SendAsync(request, Ct);

        var error = await ScAssert.ErrorAsync(response, ErrorCode.Forbidden);
        Assert.Contains("--allowed-hosts", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ForeignHost_RegistersNothing()
    {
        var name = UniqueName();
        using var request = new HttpRequestMessage(HttpMethod.Post, V4 + "/microservices")
        {
            Content = Json($$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"1.0.0"}}"""),
        };
        request.Headers.Host = "rebound.example:" + _server.BaseAddress.Port;
        using var response = await _server.Client.SendAsync(request, Ct);

        await ScAssert.ErrorAsync(response, ErrorCode.Forbidden);
        Assert.DoesNotContain(_server.Replica.Snapshot.Services.Values, s => s.Service.ServiceName == name);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://rebound.example:30100")]
    [InlineData("null")]
    public async Task Get_ForeignOrigin_Answers403(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        request.Headers.Add("Origin", origin);
        using var response = await _server.Client.SendAsync(request, Ct);

        await ScAssert.ErrorAsync(response, ErrorCode.Forbidden);
    }

    [Fact]
    public async Task WatchUpgrade_ForeignOrigin_IsRefusedAndLoopbackOriginIsServed()
    {
        var ws = new Uri($"ws://127.0.0.1:{_server.BaseAddress.Port}{V4}/microservices/{new string('a', 32)}/watcher");
        using var foreign = new System.Net.WebSockets.ClientWebSocket();
        foreign.Options.SetRequestHeader("Origin", "https://evil.example");
        foreign.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => foreign.ConnectAsync(ws, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);

        using var local = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        local.Headers.Add("Origin", $"http://127.0.0.1:{_server.BaseAddress.Port}");
        using var response = await _server.Client.SendAsync(local, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:30100")]
    [InlineData("127.0.0.1")]
    [InlineData("127.3.4.5:1234")]
    [InlineData("[::1]:30100")]
    public async Task Get_LoopbackHost_IsServed(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        request.Headers.Host = host;
        using var response = await _server.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_HostInAllowedHosts_IsServedAndOthersStillRefused()
    {
        await using var server = await StartAsync(configure: o => o with { AllowedHosts = ["my-pod.example", "10.0.0.7"] });

        using var named = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        named.Headers.Host = "My-Pod.example:30100";
        using var namedResponse = await server.Client.SendAsync(named, Ct);
        using var ip = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        ip.Headers.Host = "10.0.0.7:30100";
        using var ipResponse = await server.Client.SendAsync(ip, Ct);
        using var other = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        other.Headers.Host = "other.example";
        using var otherResponse = await server.Client.SendAsync(other, Ct);

        Assert.Equal(HttpStatusCode.OK, namedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ipResponse.StatusCode);
        await ScAssert.ErrorAsync(otherResponse, ErrorCode.Forbidden);
    }

    [Fact]
    public async Task Get_AllowedHostsStar_ServesAnyHost()
    {
        await using var server = await StartAsync(configure: o => o with { AllowedHosts = ["*"] });
        using var request = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        request.Headers.Host = "anything.example";
        using var response = await server.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("not a media type")]
    public async Task Post_BodyNotDeclaredJson_Answers400AndRegistersNothing(string? contentType)
    {
        var name = UniqueName();
        using var request = new HttpRequestMessage(HttpMethod.Post, V4 + "/microservices")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"1.0.0"}}""")),
        };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await _server.Client.SendAsync(request, Ct);

        var error = await ScAssert.ErrorAsync(response, ErrorCode.InvalidParams);
        Assert.Contains("Content-Type", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Replica.Snapshot.Services.Values, s => s.Service.ServiceName == name);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/vnd.servicecomb+json")]
    public async Task Post_JsonContentType_IsAccepted(string contentType)
    {
        var name = UniqueName();
        using var request = new HttpRequestMessage(HttpMethod.Post, V4 + "/microservices")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"1.0.0"}}""")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _server.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_server.Replica.Snapshot.Services.Values, s => s.Service.ServiceName == name);
    }

    [Fact]
    public async Task Put_HeartbeatWithoutBodyOrContentType_IsAccepted()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        // What curl -XPUT and go-chassis' heartbeat send: no body (go-chassis adds application/json anyway).
        using var empty = await _server.Client.PutAsync($"{V4}/microservices/{serviceId}/instances/{instanceId}/heartbeat", null, Ct);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/heartbeat");
        using var bare = await _server.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
    }

    [Fact]
    public async Task HealthListener_AnyHost_IsServed()
    {
        var healthPort = SidecarProcess.FreeTcpPort();
        await using var server = await StartAsync(configure: o => o with { HealthListen = new IPEndPoint(IPAddress.Loopback, healthPort) });
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        using var probe = new HttpRequestMessage(HttpMethod.Get, "/v1/health");
        probe.Headers.Host = "10.244.1.17:" + healthPort;
        using var probeResponse = await health.SendAsync(probe, Ct);
        using var api = new HttpRequestMessage(HttpMethod.Get, V4 + "/microservices");
        api.Headers.Host = "10.244.1.17:" + server.BaseAddress.Port;
        using var apiResponse = await server.Client.SendAsync(api, Ct);

        Assert.Equal(HttpStatusCode.OK, probeResponse.StatusCode);
        await ScAssert.ErrorAsync(apiResponse, ErrorCode.Forbidden);
    }
}
