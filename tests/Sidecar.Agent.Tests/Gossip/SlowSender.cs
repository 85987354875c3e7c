using System.Net;
using System.Net.Sockets;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>An unauthenticated slow-loris sender against a gossip TCP listener.</summary>
internal static class SlowSender
{
    /// <summary>
    /// Connects from <paramref name="from"/>, claims an 8 MiB message, then sends a byte every 100 ms; again a second
    /// after being dropped (hammering instead would be a connection flood, which the per-address rate limit handles).
    /// </summary>
    public static async Task RunAsync(IPAddress from, IPEndPoint target, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(target, cancellationToken);
                await socket.SendAsync(new byte[] { 0, 0x80, 0, 0 }, SocketFlags.None, cancellationToken);
                while (true)
                {
                    await Task.Delay(100, cancellationToken);
                    await socket.SendAsync(new byte[] { 7 }, SocketFlags.None, cancellationToken);
                }
            }
            catch (SocketException)
            {
                // Dropped by the target: connect again.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
