using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Gossip over UDP (packets) and TCP (stream messages, one per connection), both on the bind address. Every message is
/// sealed by the <see cref="GossipKeyring"/> with its send time inside; anything that fails authentication is counted
/// and dropped before any parsing, and so is an authenticated message sent too long ago (a replay) or too far in the
/// future. A TCP connection first sends a fixed-size sealed header (send time, body length): nothing else is read or
/// allocated before it authenticates, connections waiting for it are bounded per address and in all and closed after
/// <see cref="TransportLimits.HandshakeTimeout"/>; bodies are read and authenticated in pooled chunks under per-read
/// and whole-body deadlines and a global byte budget. Sends are queued (the node never waits) and received messages
/// are handed to the node from a queue; every queue is bounded, and peers are rate limited by IP address, so a flood
/// costs CPU but not memory.
/// </summary>
internal sealed partial class UdpTcpTransport : IGossipTransport, IAsyncDisposable
{
    public const byte PacketKind = GossipKeyring.PacketKind;
    public const byte StreamKind = GossipKeyring.StreamKind;
    private const int StreamSenders = 4;

    private readonly IPEndPoint _bind;
    private readonly GossipKeyring _keyring;
    private readonly TransportLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PeerRateLimiter _packetLimiter;
    private readonly PeerRateLimiter _connectionLimiter;
    private readonly Channel<(IPEndPoint To, byte[] Bytes)> _outPackets;
    private readonly Channel<(IPEndPoint To, byte[] Bytes)> _outStreams;
    private readonly Channel<byte[]> _inPackets;
    private readonly Channel<byte[]> _inStreams;
    private readonly SemaphoreSlim _inboundConnections;
    private readonly HandshakeSlots _handshakes;
    private readonly long[] _drops = new long[TransportDrops.Names.Length];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private Socket? _udp;
    private TcpListener? _tcp;
    private long _authFailures;
    private long _bufferedBytes;
    private long _peakBufferedBytes;
    private long _outsideWindow;
    private long _packetsIn;
    private long _packetsOut;
    private long _streamsIn;
    private long _streamsOut;

    public UdpTcpTransport(IPEndPoint bind, GossipKeyring keyring, TransportLimits limits, TimeProvider timeProvider, ILogger logger)
    {
        _bind = bind;
        _keyring = keyring;
        _limits = limits;
        _time = timeProvider;
        _logger = logger;
        _packetLimiter = new PeerRateLimiter(limits.PacketsPerSecondPerPeer, timeProvider);
        _connectionLimiter = new PeerRateLimiter(limits.ConnectionsPerSecondPerPeer, timeProvider);
        _outPackets = Bounded<(IPEndPoint, byte[])>(limits.PacketQueue);
        _outStreams = Bounded<(IPEndPoint, byte[])>(limits.StreamQueue);
        _inPackets = Bounded<byte[]>(limits.PacketQueue);
        _inStreams = Bounded<byte[]>(limits.StreamQueue);
        _inboundConnections = new SemaphoreSlim(limits.MaxInboundConnections);
        _handshakes = new HandshakeSlots(limits.MaxPendingHandshakes, limits.MaxPendingHandshakesPerAddress);
    }

    /// <summary>The bound endpoint (with the actual port when bound to port 0).</summary>
    public IPEndPoint? LocalEndpoint => (IPEndPoint?)_udp?.LocalEndPoint;

    /// <summary>Messages that failed authentication (wrong key, corrupted, garbage); never parsed.</summary>
    public long AuthFailures => Interlocked.Read(ref _authFailures);

    /// <summary>Messages and connections dropped for any <see cref="TransportDrop"/> reason.</summary>
    public long Dropped => _drops.Sum();

    /// <summary>Received stream bytes held right now (see <see cref="TransportLimits.MaxBufferedBytes"/>).</summary>
    public long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    /// <summary>The most received stream bytes held at once since start.</summary>
    public long PeakBufferedBytes => Interlocked.Read(ref _peakBufferedBytes);

    /// <summary>Inbound connections waiting for their sealed header right now.</summary>
    public int PendingHandshakes => _handshakes.Count;

    /// <summary>Drops counted for one reason.</summary>
    public long DroppedFor(TransportDrop reason) => Interlocked.Read(ref _drops[(int)reason]);

    public TransportStats Stats => new(Interlocked.Read(ref _packetsIn), Interlocked.Read(ref _packetsOut), Interlocked.Read(ref _streamsIn),
        Interlocked.Read(ref _streamsOut), AuthFailures, Dropped,
        TransportDrops.Names.Select((name, i) => (name, Interlocked.Read(ref _drops[i]))).ToDictionary(p => p.name, p => p.Item2, StringComparer.Ordinal));

    /// <summary>Binds UDP and TCP and starts the loops; received messages go to the handlers, one at a time per kind.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public void Start(Action<byte[]> onPacket, Action<byte[]> onStream)
    {
        var udp = new Socket(_bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            udp.Bind(_bind);
            udp.Blocking = false;
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
        _loops.Add(Task.Run(() => DeliverAsync(_inPackets.Reader, onPacket, null, token), CancellationToken.None));
        _loops.Add(Task.Run(() => DeliverAsync(_inStreams.Reader, onStream, length => Unbuffer(length), token), CancellationToken.None));
        for (var i = 0; i < StreamSenders; i++)
        {
            _loops.Add(Task.Run(() => SendStreamsAsync(token), CancellationToken.None));
        }
    }

    public void SendPacket(string address, ReadOnlyMemory<byte> packet)
    {
        if (!IPEndPoint.TryParse(address, out var to))
        {
            Drop(TransportDrop.Unreachable);
        }
        else if (packet.Length + GossipKeyring.PacketOverhead > _limits.MaxPacket)
        {
            Drop(TransportDrop.TooLarge);
        }
        else if (!TrySendNow(to, packet.Span) && !_outPackets.Writer.TryWrite((to, packet.ToArray())))
        {
            Drop(TransportDrop.QueueFull);
        }
    }

    /// <summary>
    /// Sends a datagram at once on the non-blocking socket: a hop through the send queue wakes a thread-pool thread,
    /// which then spins before it sleeps, the larger part of an idle agent's CPU. False when the socket buffer is full
    /// (the datagram then waits in the queue).
    /// </summary>
    private bool TrySendNow(IPEndPoint to, ReadOnlySpan<byte> packet)
    {
        if (_udp is not { } udp)
        {
            return false;
        }

        try
        {
            udp.SendTo(_keyring.SealPacket(packet, Now()), SocketFlags.None, to);
            Interlocked.Increment(ref _packetsOut);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException)
        {
            Drop(TransportDrop.Unreachable);
            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    public void SendStream(string address, ReadOnlyMemory<byte> message)
    {
        if (!IPEndPoint.TryParse(address, out var to))
        {
            Drop(TransportDrop.Unreachable);
        }
        else if (message.Length > _limits.MaxStreamMessage)
        {
            Drop(TransportDrop.TooLarge);
        }
        else if (!_outStreams.Writer.TryWrite((to, message.ToArray())))
        {
            Drop(TransportDrop.QueueFull);
        }
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
            if (received.ReceivedBytes > _limits.MaxPacket)
            {
                Drop(TransportDrop.TooLarge);
                continue;
            }

            if (!_packetLimiter.TryAcquire(from))
            {
                Drop(TransportDrop.RateLimited);
                continue;
            }

            if (!_keyring.TryOpenPacket(buffer.AsSpan(0, received.ReceivedBytes), out var sentAt, out var plaintext))
            {
                CountAuthFailure(from);
                continue;
            }

            if (!WithinWindow(sentAt, from))
            {
                continue;
            }

            Interlocked.Increment(ref _packetsIn);
            if (!_inPackets.Writer.TryWrite(plaintext))
            {
                Drop(TransportDrop.QueueFull);
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
                    await _udp!.SendToAsync(_keyring.SealPacket(bytes, Now()), SocketFlags.None, to, cancellationToken);
                    Interlocked.Increment(ref _packetsOut);
                }
                catch (SocketException)
                {
                    Drop(TransportDrop.Unreachable);
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
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_limits.StreamTimeout);
                try
                {
                    using var client = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await client.ConnectAsync(to, timeout.Token);

                    // Sealed after connecting, so the send time is as fresh as possible.
                    await client.SendAsync(_keyring.SealStream(bytes, Now()), SocketFlags.None, timeout.Token);
                    client.Shutdown(SocketShutdown.Send);
                    Interlocked.Increment(ref _streamsOut);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Drop(TransportDrop.Unreachable);
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
            if (!_connectionLimiter.TryAcquire(from))
            {
                Drop(TransportDrop.RateLimited);
                connection.Dispose();
                continue;
            }

            var slot = _handshakes.Admit(from, out var evicted);
            if (evicted)
            {
                Drop(TransportDrop.HandshakeTimeout);
            }

            _ = ReadStreamAsync(connection, from, slot, cancellationToken);
        }
    }

    private async Task ReadStreamAsync(Socket connection, IPAddress from, HandshakeSlots.Slot slot, CancellationToken cancellationToken)
    {
        using (connection)
        using (slot)
        {
            var (chunks, length) = await ReadHeaderAsync(connection, from, slot, cancellationToken);
            if (chunks is null)
            {
                return;
            }

            try
            {
                if (!_inboundConnections.Wait(0, CancellationToken.None))
                {
                    Drop(TransportDrop.ConnectionLimit);
                    return;
                }
            }
            catch (ObjectDisposedException)
            {
                return; // shutting down
            }

            try
            {
                if (await ReadBodyAsync(connection, chunks, length, cancellationToken) is not { } message)
                {
                    return;
                }

                Interlocked.Increment(ref _streamsIn);
                if (!_inStreams.Writer.TryWrite(message))
                {
                    Unbuffer(message.Length);
                    Drop(TransportDrop.QueueFull);
                }
            }
            finally
            {
                try
                {
                    _inboundConnections.Release();
                }
                catch (ObjectDisposedException)
                {
                    // Disposed while this read finished: nothing left to release.
                }
            }
        }
    }

    /// <summary>
    /// Reads and authenticates the fixed-size sealed header within <see cref="TransportLimits.HandshakeTimeout"/>
    /// (or until the slot is evicted); checks the length and the send time.
    /// </summary>
    private async Task<(GossipKeyring.StreamChunks? Chunks, int Length)> ReadHeaderAsync(Socket connection, IPAddress from, HandshakeSlots.Slot slot,
        CancellationToken cancellationToken)
    {
        var header = new byte[GossipKeyring.StreamHeaderSize];
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot.Evicted);
            deadline.CancelAfter(_limits.HandshakeTimeout);
            if (!await ReadExactlyAsync(connection, header, deadline.Token))
            {
                // Closed before a whole header: garbage, a port scan, or a peer giving up. Never authenticated.
                CountAuthFailure(from);
                return (null, 0);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (!slot.Evicted.IsCancellationRequested)
            {
                Drop(TransportDrop.HandshakeTimeout); // an evicted slot was counted when evicted
            }

            return (null, 0);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return (null, 0);
        }
        finally
        {
            _handshakes.Release(slot);
        }

        if (_keyring.TryOpenStreamHeader(header, out var sentAt, out var length) is not { } chunks)
        {
            CountAuthFailure(from);
            return (null, 0);
        }

        if (length < 0 || length > _limits.MaxStreamMessage)
        {
            Drop(TransportDrop.TooLarge);
            return (null, 0);
        }

        return WithinWindow(sentAt, from) ? (chunks, length) : (null, 0);
    }

    /// <summary>
    /// Reads an authenticated header's body chunk by chunk into pooled buffers, each chunk authenticated before the
    /// next is read, within <see cref="TransportLimits.StreamTimeout"/> in all and <see cref="TransportLimits.ReadTimeout"/>
    /// per read, and within the byte budget (the returned message stays counted until the node has handled it).
    /// </summary>
    /// <returns>The body, or null (dropped and counted).</returns>
    private async Task<byte[]?> ReadBodyAsync(Socket connection, GossipKeyring.StreamChunks chunks, int length, CancellationToken cancellationToken)
    {
        var count = GossipKeyring.ChunkCount(length);
        var parts = new List<byte[]>(count);
        long held = 0;
        byte[]? sealedChunk = null;
        try
        {
            using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            whole.CancelAfter(_limits.StreamTimeout);
            for (var i = 0; i < count; i++)
            {
                var sealedLength = GossipKeyring.StreamChunks.SealedChunkLength(length, i);
                if (!TryBuffer(sealedLength))
                {
                    Drop(TransportDrop.ByteBudget);
                    return null;
                }

                held += sealedLength;
                sealedChunk ??= ArrayPool<byte>.Shared.Rent(Math.Min(length, GossipKeyring.ChunkSize) + GossipKeyring.TagSize);
                if (!await ReadExactlyAsync(connection, sealedChunk.AsMemory(0, sealedLength), whole.Token, _limits.ReadTimeout))
                {
                    Drop(TransportDrop.Incomplete);
                    return null;
                }

                var part = ArrayPool<byte>.Shared.Rent(sealedLength - GossipKeyring.TagSize);
                parts.Add(part);
                if (!chunks.TryOpen(i, sealedChunk.AsSpan(0, sealedLength), part.AsSpan(0, sealedLength - GossipKeyring.TagSize)))
                {
                    Drop(TransportDrop.Incomplete);
                    return null;
                }

                // The tag is not kept: the part holds the authenticated plaintext only.
                Unbuffer(GossipKeyring.TagSize);
                held -= GossipKeyring.TagSize;
            }

            var message = new byte[length];
            for (var i = 0; i < parts.Count; i++)
            {
                parts[i].AsSpan(0, Math.Min(GossipKeyring.ChunkSize, length - (i * GossipKeyring.ChunkSize))).CopyTo(message.AsSpan(i * GossipKeyring.ChunkSize));
            }

            // From here the message itself holds the bytes that were counted for its chunks.
            held = 0;
            return message;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Drop(TransportDrop.Incomplete);
            return null;
        }
        finally
        {
            Unbuffer(held);
            foreach (var part in parts)
            {
                ArrayPool<byte>.Shared.Return(part);
            }

            if (sealedChunk is not null)
            {
                ArrayPool<byte>.Shared.Return(sealedChunk);
            }
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket connection, Memory<byte> buffer, CancellationToken cancellationToken, TimeSpan? perRead = null)
    {
        using var read = perRead is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (buffer.Length > 0)
        {
            if (read is not null)
            {
                read.CancelAfter(perRead!.Value);
            }

            var received = await connection.ReceiveAsync(buffer, SocketFlags.None, read?.Token ?? cancellationToken);
            if (received == 0)
            {
                return false;
            }

            buffer = buffer[received..];
        }

        return true;
    }

    private static async Task DeliverAsync(ChannelReader<byte[]> reader, Action<byte[]> handler, Action<int>? handled, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    handler(message);
                }
                finally
                {
                    handled?.Invoke(message.Length);
                }
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

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Whether an authenticated message's send time is within the window: not older than
    /// <see cref="TransportLimits.MaxMessageAge"/> (a replay), not more than <see cref="TransportLimits.MaxClockAhead"/>
    /// ahead (a clock in the future). Outside it, the message is dropped and counted.
    /// </summary>
    private bool WithinWindow(long sentAt, IPAddress from)
    {
        var skew = sentAt - Now();
        var reason = skew > (long)_limits.MaxClockAhead.TotalMilliseconds ? TransportDrop.Future
            : skew < -(long)_limits.MaxMessageAge.TotalMilliseconds ? TransportDrop.Stale
            : (TransportDrop?)null;
        if (reason is not { } drop)
        {
            return true;
        }

        Drop(drop);
        if (Interlocked.Increment(ref _outsideWindow) is var count && (count & (count - 1)) == 0)
        {
            Log.OutsideWindow(_logger, from, TimeSpan.FromMilliseconds(skew), count);
        }

        return false;
    }

    private void Drop(TransportDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    private bool TryBuffer(int bytes)
    {
        var now = Interlocked.Add(ref _bufferedBytes, bytes);
        if (now > _limits.MaxBufferedBytes)
        {
            Interlocked.Add(ref _bufferedBytes, -bytes);
            return false;
        }

        long peak;
        while (now > (peak = Interlocked.Read(ref _peakBufferedBytes)) && Interlocked.CompareExchange(ref _peakBufferedBytes, now, peak) != peak)
        {
        }

        return true;
    }

    private void Unbuffer(long bytes) => Interlocked.Add(ref _bufferedBytes, -bytes);
}
