using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Gossip over UDP (packets) and TCP (stream messages: 4-byte big-endian length, then the sealed message; one
/// message per connection), both on the bind address. Every message is sealed by the <see cref="GossipKeyring"/>;
/// anything that fails authentication is counted and dropped before any parsing. Sends are queued (the node never
/// waits) and received messages are handed to the node from a queue; every queue is bounded, and peers are rate
/// limited by IP address, so a flood costs CPU but not memory.
/// </summary>
internal sealed partial class UdpTcpTransport : IGossipTransport, IAsyncDisposable
{
    public const byte PacketKind = (byte)'P';
    public const byte StreamKind = (byte)'S';
    private const int StreamSenders = 4;

    private readonly IPEndPoint _bind;
    private readonly GossipKeyring _keyring;
    private readonly TransportLimits _limits;
    private readonly ILogger _logger;
    private readonly PeerRateLimiter _packetLimiter;
    private readonly PeerRateLimiter _connectionLimiter;
    private readonly Channel<(IPEndPoint To, byte[] Bytes)> _outPackets;
    private readonly Channel<(IPEndPoint To, byte[] Bytes)> _outStreams;
    private readonly Channel<byte[]> _inPackets;
    private readonly Channel<byte[]> _inStreams;
    private readonly SemaphoreSlim _inboundConnections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private Socket? _udp;
    private TcpListener? _tcp;
    private long _authFailures;
    private long _dropped;
    private long _packetsIn;
    private long _packetsOut;
    private long _streamsIn;
    private long _streamsOut;

    public UdpTcpTransport(IPEndPoint bind, GossipKeyring keyring, TransportLimits limits, TimeProvider timeProvider, ILogger logger)
    {
        _bind = bind;
        _keyring = keyring;
        _limits = limits;
        _logger = logger;
        _packetLimiter = new PeerRateLimiter(limits.PacketsPerSecondPerPeer, timeProvider);
        _connectionLimiter = new PeerRateLimiter(limits.ConnectionsPerSecondPerPeer, timeProvider);
        _outPackets = Bounded<(IPEndPoint, byte[])>(limits.PacketQueue);
        _outStreams = Bounded<(IPEndPoint, byte[])>(limits.StreamQueue);
        _inPackets = Bounded<byte[]>(limits.PacketQueue);
        _inStreams = Bounded<byte[]>(limits.StreamQueue);
        _inboundConnections = new SemaphoreSlim(limits.MaxInboundConnections);
    }

    /// <summary>The bound endpoint (with the actual port when bound to port 0).</summary>
    public IPEndPoint? LocalEndpoint => (IPEndPoint?)_udp?.LocalEndPoint;

    /// <summary>Messages that failed authentication (wrong key, corrupted, garbage); never parsed.</summary>
    public long AuthFailures => Interlocked.Read(ref _authFailures);

    /// <summary>Messages dropped by a full queue, a rate limit, a size limit or an unreachable peer.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public TransportStats Stats => new(Interlocked.Read(ref _packetsIn), Interlocked.Read(ref _packetsOut), Interlocked.Read(ref _streamsIn),
        Interlocked.Read(ref _streamsOut), AuthFailures, Dropped);

    /// <summary>Binds UDP and TCP and starts the loops; received messages go to the handlers, one at a time per kind.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public void Start(Action<byte[]> onPacket, Action<byte[]> onStream)
    {
        var udp = new Socket(_bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            udp.Bind(_bind);
            var tcp = new TcpListener(_bind.Address, ((IPEndPoint)udp.LocalEndPoint!).Port);
            tcp.Start(backlog: 64);
            _udp = udp;
            _tcp = tcp;
        }
        catch
        {
            udp.Dispose();
            throw;
        }

        var token = _stopping.Token;
        _loops.Add(Task.Run(() => ReceivePacketsAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => SendPacketsAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => AcceptAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => DeliverAsync(_inPackets.Reader, onPacket, token), CancellationToken.None));
        _loops.Add(Task.Run(() => DeliverAsync(_inStreams.Reader, onStream, token), CancellationToken.None));
        for (var i = 0; i < StreamSenders; i++)
        {
            _loops.Add(Task.Run(() => SendStreamsAsync(token), CancellationToken.None));
        }
    }

    public void SendPacket(string address, ReadOnlyMemory<byte> packet)
    {
        if (IPEndPoint.TryParse(address, out var to) && packet.Length + GossipKeyring.Overhead <= _limits.MaxPacket
            && _outPackets.Writer.TryWrite((to, packet.ToArray())))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
    }

    public void SendStream(string address, ReadOnlyMemory<byte> message)
    {
        if (IPEndPoint.TryParse(address, out var to) && message.Length + GossipKeyring.Overhead <= _limits.MaxStreamMessage
            && _outStreams.Writer.TryWrite((to, message.ToArray())))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
    }

    public async ValueTask DisposeAsync()
    {
        _outPackets.Writer.TryComplete();
        _outStreams.Writer.TryComplete();
        _inPackets.Writer.TryComplete();
        _inStreams.Writer.TryComplete();
        await _stopping.CancelAsync();
        _udp?.Dispose();
        _tcp?.Stop();
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        _inboundConnections.Dispose();
    }

    private static Channel<T> Bounded<T>(int capacity) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false });

    private async Task ReceivePacketsAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65_536];
        EndPoint any = new IPEndPoint(_bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp!.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // ICMP port unreachable from an earlier send (a dead peer) surfaces here on some platforms: keep going.
                Log.ReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var from = ((IPEndPoint)received.RemoteEndPoint).Address;
            if (received.ReceivedBytes > _limits.MaxPacket || !_packetLimiter.TryAcquire(from))
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            if (!_keyring.TryOpen(buffer.AsSpan(0, received.ReceivedBytes), PacketKind, out var plaintext))
            {
                CountAuthFailure(from);
                continue;
            }

            Interlocked.Increment(ref _packetsIn);
            if (!_inPackets.Writer.TryWrite(plaintext))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    private async Task SendPacketsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (to, bytes) in _outPackets.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await _udp!.SendToAsync(_keyring.Seal(bytes, PacketKind), SocketFlags.None, to, cancellationToken);
                    Interlocked.Increment(ref _packetsOut);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task SendStreamsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (to, bytes) in _outStreams.Reader.ReadAllAsync(cancellationToken))
            {
                var sealedMessage = _keyring.Seal(bytes, StreamKind);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_limits.StreamTimeout);
                try
                {
                    using var client = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await client.ConnectAsync(to, timeout.Token);
                    var header = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(header, sealedMessage.Length);
                    await client.SendAsync(header, SocketFlags.None, timeout.Token);
                    await client.SendAsync(sealedMessage, SocketFlags.None, timeout.Token);
                    client.Shutdown(SocketShutdown.Send);
                    Interlocked.Increment(ref _streamsOut);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _tcp!.AcceptSocketAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            var from = ((IPEndPoint)connection.RemoteEndPoint!).Address;
            if (!_connectionLimiter.TryAcquire(from) || !_inboundConnections.Wait(0, CancellationToken.None))
            {
                Interlocked.Increment(ref _dropped);
                connection.Dispose();
                continue;
            }

            _ = ReadStreamAsync(connection, from, cancellationToken);
        }
    }

    private async Task ReadStreamAsync(Socket connection, IPAddress from, CancellationToken cancellationToken)
    {
        try
        {
            using (connection)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_limits.StreamTimeout);
                var header = new byte[4];
                if (!await ReadExactlyAsync(connection, header, timeout.Token))
                {
                    return;
                }

                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                if (length < GossipKeyring.Overhead || length > _limits.MaxStreamMessage)
                {
                    CountAuthFailure(from);
                    return;
                }

                var message = new byte[length];
                if (!await ReadExactlyAsync(connection, message, timeout.Token))
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                if (!_keyring.TryOpen(message, StreamKind, out var plaintext))
                {
                    CountAuthFailure(from);
                    return;
                }

                Interlocked.Increment(ref _streamsIn);
                if (!_inStreams.Writer.TryWrite(plaintext))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _dropped);
        }
        finally
        {
            _inboundConnections.Release();
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    private static async Task DeliverAsync(ChannelReader<byte[]> reader, Action<byte[]> handler, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in reader.ReadAllAsync(cancellationToken))
            {
                handler(message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void CountAuthFailure(IPAddress from)
    {
        if (Interlocked.Increment(ref _authFailures) is var count && (count & (count - 1)) == 0)
        {
            // Logged at 1, 2, 4, 8... failures: visible without letting a flood fill the log.
            Log.AuthenticationFailed(_logger, from, count);
        }
    }
}
