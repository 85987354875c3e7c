using System.Net.WebSockets;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Watch;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>The watch websocket (I12): instance events of the providers the watching consumer depends on.</summary>
internal static class WatchEndpoints
{
    /// <summary>Service-Center closes a watch that has not heard from the client for this long.</summary>
    private static readonly TimeSpan s_readDeadline = TimeSpan.FromSeconds(120);

    public static void Map(RouteGroupBuilder registry) =>
        registry.MapGet("/microservices/{serviceId}/watcher", Watch);

    private static async Task Watch(HttpContext context, Replica replica, WatchHub hub, AgentOptions options)
    {
        var serviceId = Route(context, "serviceId");
        var error = IdValidator.ValidateServiceId(serviceId)
            ?? (context.WebSockets.IsWebSocketRequest ? null : ScError.InvalidParams("the watcher needs a websocket upgrade request"));
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var tenant = TenantOf(context);
        var consumer = new ServiceRef(tenant.Domain, tenant.Project, serviceId!);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.WatchPingInterval,
            KeepAliveTimeout = s_readDeadline,
        });
        if (!replica.Snapshot.Services.ContainsKey(consumer))
        {
            // sc-client matches this text and re-registers.
            await socket.SendAsync("service does not exist"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
            return;
        }

        var events = hub.Add(consumer);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            var reading = DiscardIncomingAsync(socket, closed);
            await foreach (var payload in events.ReadAllAsync(closed.Token))
            {
                await socket.SendAsync(payload, WebSocketMessageType.Text, true, closed.Token);
            }

            // The hub ended the stream: the watching service was deleted.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "service deleted", closed.Token);
            await reading;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away or stopped answering pings.
        }
        finally
        {
            hub.Remove(consumer, events);
        }
    }

    /// <summary>Client messages are ignored (Service-Center reads at most 64 bytes); reading keeps pongs and close frames flowing.</summary>
    private static async Task DiscardIncomingAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[64];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = await socket.ReceiveAsync(buffer, closed.Token);
                if (message.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await closed.CancelAsync();
        }
    }
}
