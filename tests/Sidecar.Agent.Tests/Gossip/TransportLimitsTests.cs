using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>The limits of <see cref="UdpTcpTransport"/> against unauthenticated and key-holding senders, on real loopback sockets.</summary>
public sealed class TransportLimitsTests : IAsyncDisposable
{
    private static readonly GossipKeyring s_key = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly List<UdpTcpTransport> _transports = [];
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task SlowUnauthenticatedSenders_FortyOfThem_HoldNoBufferAndAKeyHolderStillStreams()
    {
        var (sender, _, _) = Start(s_key);
        var (target, _, streams) = Start(s_key);

        // 16 slow senders share the key holder's address, 24 more come from 24 other addresses. Each sends the old
        // framing's length prefix claiming 8 MiB, then a byte every 100 ms, and reconnects when dropped.
        var from = Enumerable.Repeat(IPAddress.Loopback, 16).Concat(Enumerable.Range(2, 24).Select(i => IPAddress.Parse($"127.0.0.{i}")));
        var senders = from.Select(address => SlowSender.RunAsync(address, target.LocalEndpoint!, _stop.Token)).ToList();

        var maxPending = 0;
        long maxBuffered = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            maxPending = Math.Max(maxPending, target.PendingHandshakes);
            maxBuffered = Math.Max(maxBuffered, target.BufferedBytes);
            await Task.Delay(20, Ct);
        }

        // Meanwhile a key holder's stream messages get through, whole.
        var bodies = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(300_000)).ToList();
        foreach (var body in bodies)
        {
            sender.SendStream(target.LocalEndpoint!.ToString(), body);
        }

        await WaitForAsync(() => streams.Count == bodies.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(bodies.Select(Convert.ToBase64String).Order(), streams.Select(Convert.ToBase64String).Order());

        await WaitForAsync(() => target.DroppedFor(TransportDrop.HandshakeTimeout) >= 40, TimeSpan.FromSeconds(20));
        Assert.Equal(0, maxBuffered); // nothing unauthenticated is ever buffered beyond a 41-byte header
        Assert.InRange(maxPending, 1, new TransportLimits().MaxPendingHandshakes);
        Assert.InRange(target.PeakBufferedBytes, 1, new TransportLimits().MaxBufferedBytes);
        Assert.DoesNotContain(senders, s => s.IsFaulted);
    }

    [Fact]
    public async Task IdleConnectionsFromOneAddress_BeyondItsSlots_EvictTheOldest()
    {
        var limits = new TransportLimits { HandshakeTimeout = TimeSpan.FromSeconds(30) };
        var (target, _, _) = Start(s_key, limits);
        var address = IPAddress.Parse("127.0.0.7");
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(address, 0));
                await socket.ConnectAsync(target.LocalEndpoint!, Ct);
            }

            await WaitForAsync(() => target.DroppedFor(TransportDrop.HandshakeTimeout) == 12, TimeSpan.FromSeconds(10));
            Assert.Equal(limits.MaxPendingHandshakesPerAddress, target.PendingHandshakes);

            // The oldest were closed: their reads see the end of the stream (or a reset).
            var closed = 0;
            foreach (var socket in sockets.Take(12))
            {
                closed += await IsClosedAsync(socket) ? 1 : 0;
            }

            Assert.Equal(12, closed);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task PendingHandshakes_AfterTheDeadline_AreClosedAndCounted()
    {
        var limits = new TransportLimits { HandshakeTimeout = TimeSpan.FromMilliseconds(300) };
        var (target, _, _) = Start(s_key, limits);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target.LocalEndpoint!, Ct);
        await socket.SendAsync(new byte[10], SocketFlags.None, Ct); // a partial header, then silence

        await WaitForAsync(() => target.DroppedFor(TransportDrop.HandshakeTimeout) == 1, TimeSpan.FromSeconds(10));
        Assert.True(await IsClosedAsync(socket));
        Assert.Equal(0, target.PendingHandshakes);
        Assert.Equal(0, target.AuthFailures);
    }

    [Fact]
    public async Task KeyHolderWithAClockOutsideTheWindow_PacketsAndStreamsAreDroppedAndCounted()
    {
        var (past, _, _) = Start(s_key, time: new ShiftedTimeProvider(TimeSpan.FromMinutes(-5)));
        var (future, _, _) = Start(s_key, time: new ShiftedTimeProvider(TimeSpan.FromMinutes(2)));
        var (behind, _, _) = Start(s_key, time: new ShiftedTimeProvider(TimeSpan.FromSeconds(-90)));
        var (target, packets, streams) = Start(s_key);
        var to = target.LocalEndpoint!.ToString();

        foreach (var peer in new[] { past, future })
        {
            peer.SendPacket(to, new byte[] { 1 });
            peer.SendStream(to, new byte[] { 2 });
        }

        await WaitForAsync(() => target.DroppedFor(TransportDrop.Stale) == 2 && target.DroppedFor(TransportDrop.Future) == 2, TimeSpan.FromSeconds(10));
        Assert.Empty(packets);
        Assert.Empty(streams);

        // 90 s behind is inside the window: clocks need not agree to the second.
        behind.SendPacket(to, new byte[] { 3 });
        behind.SendStream(to, new byte[] { 4 });
        await WaitForAsync(() => !packets.IsEmpty && !streams.IsEmpty, TimeSpan.FromSeconds(10));
        Assert.Equal(0, target.AuthFailures);
    }

    [Fact]
    public async Task CapturedMessages_ReplayedAfterTheWindow_AreDroppedAndCounted()
    {
        var time = new ShiftedTimeProvider(TimeSpan.Zero);
        var (sender, _, _) = Start(s_key);
        var (target, packets, streams) = Start(s_key, time: time);

        // A wiretap: receives what the key holder sends, byte for byte.
        using var udpTap = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var tcpTap = new TcpListener(IPAddress.Loopback, 0);
        tcpTap.Start();
        try
        {
            var tap = $"127.0.0.1:{((IPEndPoint)tcpTap.LocalEndpoint).Port}";
            sender.SendStream(tap, RandomNumberGenerator.GetBytes(100_000));
            using var connection = await tcpTap.AcceptTcpClientAsync(Ct);
            using var captured = new MemoryStream();
            await connection.GetStream().CopyToAsync(captured, Ct);
            var capturedStream = captured.ToArray();
            sender.SendPacket($"127.0.0.1:{((IPEndPoint)udpTap.Client.LocalEndPoint!).Port}", new byte[] { 9 });
            var capturedPacket = (await udpTap.ReceiveAsync(Ct)).Buffer;

            // Replayed at once: inside the window, delivered (the layers above merge by version: a replay changes nothing).
            await ReplayAsync(target, capturedStream, capturedPacket);
            await WaitForAsync(() => streams.Count == 1 && packets.Count == 1, TimeSpan.FromSeconds(10));

            // Replayed 3 minutes later: dropped before it reaches the node.
            time.Offset = TimeSpan.FromMinutes(3);
            await ReplayAsync(target, capturedStream, capturedPacket);
            await WaitForAsync(() => target.DroppedFor(TransportDrop.Stale) == 2, TimeSpan.FromSeconds(10));
            Assert.Single(streams);
            Assert.Single(packets);
            Assert.Equal(0, target.AuthFailures);
        }
        finally
        {
            tcpTap.Stop();
        }
    }

    [Fact]
    public async Task KeyHolderStallingInItsBody_IsDroppedAfterTheReadTimeoutAndReleasesItsBytes()
    {
        var limits = new TransportLimits { ReadTimeout = TimeSpan.FromMilliseconds(300) };
        var (target, _, streams) = Start(s_key, limits);
        var message = s_key.SealStream(RandomNumberGenerator.GetBytes(200_000), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target.LocalEndpoint!, Ct);
        await socket.SendAsync(message.AsMemory(0, GossipKeyring.StreamHeaderSize + 70_000), SocketFlags.None, Ct);

        await WaitForAsync(() => target.DroppedFor(TransportDrop.Incomplete) == 1, TimeSpan.FromSeconds(10));
        Assert.True(await IsClosedAsync(socket));
        Assert.Empty(streams);
        Assert.Equal(0, target.BufferedBytes);
        Assert.InRange(target.PeakBufferedBytes, GossipKeyring.ChunkSize, 2 * (GossipKeyring.ChunkSize + GossipKeyring.TagSize));
    }

    [Fact]
    public async Task ByteBudget_HoldsReceivedStreamsUntilHandled_AndDropsBeyondIt()
    {
        var limits = new TransportLimits { MaxBufferedBytes = 250_000 };
        var (sender, _, _) = Start(s_key);
        using var gate = new ManualResetEventSlim(false);
        var (target, _, streams) = Start(s_key, limits, blockStreams: gate);
        var to = target.LocalEndpoint!.ToString();

        sender.SendStream(to, new byte[300_000]);
        await WaitForAsync(() => target.DroppedFor(TransportDrop.ByteBudget) == 1, TimeSpan.FromSeconds(10));

        // Two of 100 KB fit while the node is busy with them; a third does not.
        for (var i = 0; i < 3; i++)
        {
            sender.SendStream(to, new byte[100_000]);
            await Task.Delay(300, Ct);
        }

        await WaitForAsync(() => target.DroppedFor(TransportDrop.ByteBudget) == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(200_000, target.BufferedBytes);
        gate.Set();
        await WaitForAsync(() => streams.Count == 2 && target.BufferedBytes == 0, TimeSpan.FromSeconds(10));
        Assert.InRange(target.PeakBufferedBytes, 200_000, limits.MaxBufferedBytes);
    }

    private static async Task ReplayAsync(UdpTcpTransport target, byte[] stream, byte[] packet)
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(target.LocalEndpoint!, Ct);
            await tcp.GetStream().WriteAsync(stream, Ct);
        }

        using var udp = new UdpClient(AddressFamily.InterNetwork);
        await udp.SendAsync(packet, target.LocalEndpoint!, Ct);
    }

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private (UdpTcpTransport Transport, ConcurrentQueue<byte[]> Packets, ConcurrentQueue<byte[]> Streams) Start(
        GossipKeyring keyring, TransportLimits? limits = null, TimeProvider? time = null, ManualResetEventSlim? blockStreams = null)
    {
        var transport = new UdpTcpTransport(new IPEndPoint(IPAddress.Loopback, 0), keyring, limits ?? new TransportLimits(), time ?? TimeProvider.System, NullLogger.Instance);
        var packets = new ConcurrentQueue<byte[]>();
        var streams = new ConcurrentQueue<byte[]>();
        transport.Start(packets.Enqueue, s => { blockStreams?.Wait(Ct); streams.Enqueue(s); });
        _transports.Add(transport);
        return (transport, packets, streams);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan within)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < within)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition(), $"condition not met within {within.TotalSeconds} s");
    }
}
