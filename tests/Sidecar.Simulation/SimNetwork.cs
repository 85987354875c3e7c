namespace Sidecar.Simulation;

/// <summary>
/// In-memory network: packets are lost with a probability and delayed by a random latency; streams are reliable
/// (TCP) but take a round trip more. Byte counters include what the wire adds: IP/UDP or IP/TCP headers and the
/// AES-GCM overhead of the agent's transport.
/// </summary>
internal sealed class SimNetwork(EventLoop loop, Random random, double loss, TimeSpan minLatency, TimeSpan maxLatency)
{
    public const int UdpOverhead = 28;
    public const int TcpOverhead = 40;
    public const int CryptoOverhead = 29;
    private readonly Dictionary<string, SimHost> _hosts = new(StringComparer.Ordinal);

    public double Loss { get; set; } = loss;

    public long Packets { get; private set; }

    public long Streams { get; private set; }

    public void Add(SimHost host) => _hosts[host.Address] = host;

    public void Packet(SimHost from, string address, ReadOnlyMemory<byte> packet)
    {
        var size = packet.Length + UdpOverhead + CryptoOverhead;
        from.BytesSent += size;
        Packets++;
        if (!_hosts.TryGetValue(address, out var to) || random.NextDouble() < Loss)
        {
            return;
        }

        loop.At(loop.Now + Latency(), () => Deliver(to, size, () => to.Node.HandlePacket(packet.Span)));
    }

    public void Stream(SimHost from, string address, ReadOnlyMemory<byte> message)
    {
        var size = message.Length + TcpOverhead + CryptoOverhead;
        from.BytesSent += size;
        Streams++;
        if (_hosts.TryGetValue(address, out var to))
        {
            loop.At(loop.Now + (3 * Latency()), () => Deliver(to, size, () => to.Node.HandleStream(message.Span)));
        }
    }

    private long Latency() => minLatency.Ticks + (long)(random.NextDouble() * (maxLatency - minLatency).Ticks);

    private void Deliver(SimHost to, int size, Action handle)
    {
        if (to.Crashed)
        {
            return;
        }

        if (to.StalledUntil > loop.Now)
        {
            loop.At(to.StalledUntil, () => Deliver(to, size, handle));
            return;
        }

        to.BytesReceived += size;
        handle();
    }
}
