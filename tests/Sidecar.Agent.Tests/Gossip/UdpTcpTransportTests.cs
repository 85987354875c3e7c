using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class UdpTcpTransportTests : IAsyncDisposable
{
    private static readonly GossipKeyring s_key = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly List<UdpTcpTransport> _transports = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }
    }

    [Fact]
    public async Task SameKey_PacketsAndStreamsArrive()
    {
        var (a, _, _) = Start(s_key);
        var (b, packets, streams) = Start(s_key);

        a.SendPacket(b.LocalEndpoint!.ToString(), new byte[] { 1, 2, 3 });
        var big = RandomNumberGenerator.GetBytes(300_000);
        a.SendStream(b.LocalEndpoint!.ToString(), big);

        await WaitForAsync(() => !packets.IsEmpty && !streams.IsEmpty);
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(packets));
        Assert.Equal(big, Assert.Single(streams));
        Assert.Equal(0, b.AuthFailures);
    }

    [Fact]
    public async Task WrongKey_IsDroppedAndCounted()
    {
        var (a, _, _) = Start(new GossipKeyring([RandomNumberGenerator.GetBytes(32)]));
        var (b, packets, streams) = Start(s_key);

        a.SendPacket(b.LocalEndpoint!.ToString(), new byte[] { 1 });
        a.SendStream(b.LocalEndpoint!.ToString(), new byte[] { 2 });

        await WaitForAsync(() => b.AuthFailures == 2);
        Assert.Empty(packets);
        Assert.Empty(streams);
    }

    [Fact]
    public async Task Garbage_UdpAndTcp_IsDroppedAndCounted()
    {
        var (b, packets, streams) = Start(s_key);
        var random = new Random(3);
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[random.Next(1, 1400)];
            random.NextBytes(bytes);
            await udp.SendAsync(bytes, b.LocalEndpoint!, Ct);
        }

        for (var i = 0; i < 5; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(b.LocalEndpoint!, Ct);
            var bytes = new byte[random.Next(4, 5000)];
            random.NextBytes(bytes);
            bytes[0] = 0; // a plausible length prefix
            await tcp.GetStream().WriteAsync(bytes, Ct);
        }

        await WaitForAsync(() => b.AuthFailures + b.Dropped >= 55);
        Assert.Empty(packets);
        Assert.Empty(streams);
    }

    [Fact]
    public async Task Flood_IsRateLimitedAndQueuesStayBounded()
    {
        var limits = new TransportLimits { PacketsPerSecondPerPeer = 100, PacketQueue = 16 };
        var (a, _, _) = Start(s_key);
        var gate = new ManualResetEventSlim(false);
        var (b, packets, _) = Start(s_key, limits, block: gate);
        for (var i = 0; i < 2_000; i++)
        {
            a.SendPacket(b.LocalEndpoint!.ToString(), new byte[] { (byte)i });
        }

        await WaitForAsync(() => b.Dropped > 0);
        gate.Set();
        await Task.Delay(200, Ct);
        // Burst of 2 × 100 at most, of which the blocked handler queue holds 16.
        Assert.InRange(packets.Count, 1, 201);
    }

    private (UdpTcpTransport Transport, ConcurrentQueue<byte[]> Packets, ConcurrentQueue<byte[]> Streams) Start(GossipKeyring keyring, TransportLimits? limits = null, ManualResetEventSlim? block = null)
    {
        var transport = new UdpTcpTransport(new IPEndPoint(IPAddress.Loopback, 0), keyring, limits ?? new TransportLimits(), TimeProvider.System, NullLogger.Instance);
        var packets = new ConcurrentQueue<byte[]>();
        var streams = new ConcurrentQueue<byte[]>();
        transport.Start(p => { block?.Wait(); packets.Enqueue(p); }, streams.Enqueue);
        _transports.Add(transport);
        return (transport, packets, streams);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition(), "condition not met within 5 s");
    }
}
