using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Agent.Watch;
using Sidecar.Replication;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>The watch websocket (I12, spec 6).</summary>
public sealed class WatchApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync(_time);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Consumer(string id) => new() { ["X-ConsumerId"] = id };

    private Uri WatcherUri(string serviceId) =>
        new($"ws://{_server.BaseAddress.Authority}{V4}/microservices/{serviceId}/watcher");

    /// <summary>Connects a watcher and waits until the agent routes events to it.</summary>
    private async Task<ClientWebSocket> WatchAsync(string consumerId)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(WatcherUri(consumerId), Ct);
        var hub = _server.App.Services.GetRequiredService<WatchHub>();
        var consumer = new ServiceRef("default", "default", consumerId);
        await EventuallyAsync(() => Task.FromResult(hub.CountWatchers(consumer) > 0), "the watcher is registered");
        return socket;
    }

    private static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()));
            }
        }
    }

    private static async Task<JsonElement> ReceiveEventAsync(ClientWebSocket socket)
    {
        var (type, text) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Text, type);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A provider and a consumer that depends on it (through a find with X-ConsumerId).</summary>
    private async Task<(string ProviderName, string ProviderId, string ConsumerId)> DependencyAsync(string? environment = null)
    {
        var providerName = UniqueName("prov");
        var providerId = await _server.RegisterServiceAsync(providerName, "1.2.0", environment: environment);
        var consumerId = await _server.RegisterServiceAsync(UniqueName("cons"), environment: environment);
        await _server.FindAsync("app", providerName, headers: Consumer(consumerId));
        return (providerName, providerId, consumerId);
    }

    [Fact]
    public async Task Watch_UnknownWatcherId_SendsServiceDoesNotExistAndCloses()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WatcherUri("ghost"), Ct);

        var (type, text) = await ReceiveAsync(socket);
        var (closeType, _) = await ReceiveAsync(socket);

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("service does not exist", text);
        Assert.Equal(WebSocketMessageType.Close, closeType);
    }

    [Fact]
    public async Task Watch_PlainGetWithoutUpgrade_Returns400()
    {
        var consumerId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{consumerId}/watcher");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Watch_DependentConsumer_GetsCreateUpdateAndDeleteEvents()
    {
        var (providerName, providerId, consumerId) = await DependencyAsync();
        using var socket = await WatchAsync(consumerId);

        var instanceId = await _server.RegisterInstanceAsync(providerId);
        var created = await ReceiveEventAsync(socket);
        using (var status = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{providerId}/instances/{instanceId}/status?value=DOWN"))
        {
            await ScAssert.EmptyOkAsync(status);
        }

        var updated = await ReceiveEventAsync(socket);
        using (var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}/instances/{instanceId}"))
        {
            await ScAssert.EmptyOkAsync(delete);
        }

        var deleted = await ReceiveEventAsync(socket);

        Assert.Equal("CREATE", created.GetProperty("action").GetString());
        var key = created.GetProperty("key");
        Assert.Equal("default/default", key.GetProperty("tenant").GetString());
        Assert.Equal("app", key.GetProperty("appId").GetString());
        Assert.Equal(providerName, key.GetProperty("serviceName").GetString());
        Assert.Equal("1.2.0", key.GetProperty("version").GetString());
        Assert.Equal(instanceId, created.GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal(providerId, created.GetProperty("instance").GetProperty("serviceId").GetString());
        Assert.Equal("UPDATE", updated.GetProperty("action").GetString());
        Assert.Equal("DOWN", updated.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("DELETE", deleted.GetProperty("action").GetString());
        Assert.Equal(instanceId, deleted.GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal("DOWN", deleted.GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Watch_ConsumerWithoutDependency_GetsNoEventsOfThatProvider()
    {
        var (_, providerId, dependentId) = await DependencyAsync();
        var (otherName, otherProviderId, bystanderId) = await DependencyAsync();
        using var dependent = await WatchAsync(dependentId);
        using var bystander = await WatchAsync(bystanderId);

        var instanceId = await _server.RegisterInstanceAsync(providerId);
        var seen = await ReceiveEventAsync(dependent);
        // An event of the provider the bystander does depend on: it must be the bystander's first frame.
        var otherInstanceId = await _server.RegisterInstanceAsync(otherProviderId);
        var first = await ReceiveEventAsync(bystander);

        Assert.Equal(instanceId, seen.GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal(otherName, first.GetProperty("key").GetProperty("serviceName").GetString());
        Assert.Equal(otherInstanceId, first.GetProperty("instance").GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Watch_Connect_SendsNoInitialSnapshot()
    {
        var (_, providerId, consumerId) = await DependencyAsync();
        await _server.RegisterInstanceAsync(providerId);
        await _server.RegisterInstanceAsync(providerId);
        using var socket = await WatchAsync(consumerId);

        var later = await _server.RegisterInstanceAsync(providerId);
        var first = await ReceiveEventAsync(socket);

        Assert.Equal("CREATE", first.GetProperty("action").GetString());
        Assert.Equal(later, first.GetProperty("instance").GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Watch_HeartbeatAndReRegister_SendNoEvent()
    {
        var (_, providerId, consumerId) = await DependencyAsync();
        var instanceId = await _server.RegisterInstanceAsync(providerId);
        using var socket = await WatchAsync(consumerId);

        using (var heartbeat = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{providerId}/instances/{instanceId}/heartbeat"))
        {
            await ScAssert.EmptyOkAsync(heartbeat);
        }

        await _server.RegisterInstanceAsync(providerId, $$"""{"instanceId":"{{instanceId}}","hostName":"changed"}""");
        var marker = await _server.RegisterInstanceAsync(providerId);
        var first = await ReceiveEventAsync(socket);

        Assert.Equal(marker, first.GetProperty("instance").GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Watch_LeaseExpiry_SendsDeleteWithLastInstance()
    {
        var (_, providerId, consumerId) = await DependencyAsync(environment: "production");
        var instanceId = await _server.RegisterInstanceAsync(providerId, """{"hostName":"expiring","endpoints":["rest://10.1.1.1:1"]}""");
        using var socket = await WatchAsync(consumerId);

        _time.Advance(TimeSpan.FromSeconds(121));
        var deleted = await ReceiveEventAsync(socket);

        Assert.Equal("DELETE", deleted.GetProperty("action").GetString());
        Assert.Equal("production", deleted.GetProperty("key").GetProperty("environment").GetString());
        Assert.Equal(instanceId, deleted.GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal("expiring", deleted.GetProperty("instance").GetProperty("hostName").GetString());
    }

    [Fact]
    public async Task Watch_ClientMessages_AreIgnored()
    {
        var (_, providerId, consumerId) = await DependencyAsync();
        using var socket = await WatchAsync(consumerId);

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, Ct);
        var instanceId = await _server.RegisterInstanceAsync(providerId);
        var created = await ReceiveEventAsync(socket);

        Assert.Equal(instanceId, created.GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal(WebSocketState.Open, socket.State);
    }
    [Fact]
    public async Task Watch_WatcherServiceDeleted_ClosesTheSocket()
    {
        var consumerId = await _server.RegisterServiceAsync(UniqueName("cons"));
        using var socket = await WatchAsync(consumerId);

        using (var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{consumerId}"))
        {
            await ScAssert.EmptyOkAsync(delete);
        }

        var (type, _) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Close, type);
    }

    [Fact]
    public async Task Watch_IdleConnection_ServerSendsPingFrames()
    {
        await using var server = await StartAsync(watchPingInterval: TimeSpan.FromMilliseconds(200));
        var consumerId = await server.RegisterServiceAsync(UniqueName("cons"));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var handshake = $"GET {V4}/microservices/{consumerId}/watcher HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n" +
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake), Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));

        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, timeout.Token));
            headers.Append((char)one[0]);
        }

        var frame = new byte[2];
        await stream.ReadExactlyAsync(frame, timeout.Token);

        Assert.StartsWith("HTTP/1.1 101", headers.ToString(), StringComparison.Ordinal);
        Assert.Equal(0x9, frame[0] & 0x0F);
    }
}
