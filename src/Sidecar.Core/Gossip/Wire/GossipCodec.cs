namespace Sidecar.Gossip.Wire;

/// <summary>
/// Framing. A packet is <c>magic, version, 0, count</c> then <c>count</c> messages each prefixed by a 2-byte length;
/// a stream message is <c>magic, version, 1</c> then one message. Decoding rejects the whole frame on any error.
/// </summary>
internal static class GossipCodec
{
    public const byte Magic = 0x5C;
    public const byte Version = 1;
    public const int PacketHeaderSize = 4;
    public const int PerMessageOverhead = 2;
    private const byte PacketKind = 0;
    private const byte StreamKind = 1;

    /// <summary>Builds a packet from encoded messages (at most 255, each at most 65,535 bytes).</summary>
    public static byte[] BuildPacket(IReadOnlyList<byte[]> messages)
    {
        var size = PacketHeaderSize;
        foreach (var message in messages)
        {
            size += PerMessageOverhead + message.Length;
        }

        var writer = new WireWriter(size);
        writer.Byte(Magic);
        writer.Byte(Version);
        writer.Byte(PacketKind);
        writer.Byte(checked((byte)messages.Count));
        foreach (var message in messages)
        {
            writer.UInt16(checked((ushort)message.Length));
            writer.Raw(message);
        }

        return writer.ToArray();
    }

    public static bool TryDecodePacket(ReadOnlySpan<byte> packet, List<GossipMessage> messages)
    {
        messages.Clear();
        var header = new WireReader(packet);
        if (!Header(ref header, PacketKind) || !header.Byte(out var count) || count == 0)
        {
            return false;
        }

        var rest = packet[PacketHeaderSize..];
        for (var i = 0; i < count; i++)
        {
            var r = new WireReader(rest);
            if (!r.UInt16(out var length) || length > r.Remaining
                || !MessageDecoder.TryDecode(rest.Slice(PerMessageOverhead, length), out var message)
                || message is StreamDeltaMessage or PushPullRequest or PushPullResponse or PushPullFinal or PushPullDeltas)
            {
                messages.Clear();
                return false;
            }

            messages.Add(message!);
            rest = rest[(PerMessageOverhead + length)..];
        }

        if (!rest.IsEmpty)
        {
            messages.Clear();
            return false;
        }

        return true;
    }

    public static byte[] EncodeStream(GossipMessage message)
    {
        var writer = new WireWriter(256);
        writer.Byte(Magic);
        writer.Byte(Version);
        writer.Byte(StreamKind);
        MessageEncoder.Write(writer, message);
        return writer.ToArray();
    }

    /// <summary>Decodes a stream message: push-pull, large deltas, and the fallback ping and its ack.</summary>
    public static bool TryDecodeStream(ReadOnlySpan<byte> data, out GossipMessage? message)
    {
        message = null;
        var r = new WireReader(data);
        if (!Header(ref r, StreamKind) || !MessageDecoder.TryDecode(data[3..], out var decoded)
            || decoded is not (PushPullRequest or PushPullResponse or PushPullFinal or PushPullDeltas or StreamDeltaMessage or PingMessage or AckMessage))
        {
            return false;
        }

        message = decoded;
        return true;
    }

    private static bool Header(ref WireReader r, byte kind) =>
        r.Byte(out var magic) && magic == Magic && r.Byte(out var version) && version == Version && r.Byte(out var k) && k == kind;
}
