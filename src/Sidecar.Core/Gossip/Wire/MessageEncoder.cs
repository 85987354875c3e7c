namespace Sidecar.Gossip.Wire;

/// <summary>Encodes one message: its type byte, then its fields.</summary>
internal static class MessageEncoder
{
    public static byte[] Encode(GossipMessage message)
    {
        var writer = new WireWriter();
        Write(writer, message);
        return writer.ToArray();
    }

    public static void Write(WireWriter w, GossipMessage message)
    {
        w.Byte((byte)message.Type);
        switch (message)
        {
            case PingMessage m:
                w.UInt32(m.Seq);
                w.String(m.Target);
                w.String(m.SourceName);
                w.String(m.SourceAddress);
                break;
            case IndirectPingMessage m:
                w.UInt32(m.Seq);
                w.String(m.Target);
                w.String(m.TargetAddress);
                w.String(m.SourceName);
                w.String(m.SourceAddress);
                w.Byte(m.WantNack ? (byte)1 : (byte)0);
                break;
            case AckMessage m:
                w.UInt32(m.Seq);
                break;
            case NackMessage m:
                w.UInt32(m.Seq);
                break;
            case AliveMessage m:
                w.UInt32(m.Incarnation);
                w.String(m.Name);
                w.String(m.Address);
                break;
            case SuspectMessage m:
                w.UInt32(m.Incarnation);
                w.String(m.Name);
                w.String(m.From);
                break;
            case DeadMessage m:
                w.UInt32(m.Incarnation);
                w.String(m.Name);
                w.String(m.From);
                break;
            case DeltaMessage m:
                w.Raw(m.Payload.Span);
                break;
            case StreamDeltaMessage m:
                w.Raw(m.Payload.Span);
                break;
            case PushPullRequest m:
                w.String(m.Name);
                w.String(m.Address);
                w.Byte(m.Join ? (byte)1 : (byte)0);
                Buckets(w, m.MemberBuckets);
                Buckets(w, m.SourceBuckets);
                break;
            case PushPullResponse m:
                w.String(m.Name);
                w.String(m.Address);
                Buckets(w, m.MemberBuckets);
                Buckets(w, m.SourceBuckets);
                Members(w, m.Members);
                Digest(w, m.Digest);
                break;
            case PushPullFinal m:
                w.String(m.Name);
                w.String(m.Address);
                Buckets(w, m.SourceBuckets);
                Members(w, m.Members);
                Digest(w, m.Digest);
                Deltas(w, m.Deltas);
                break;
            case PushPullDeltas m:
                w.String(m.Name);
                Deltas(w, m.Deltas);
                break;
            default:
                throw new ArgumentException($"Unknown message {message.GetType().Name}.", nameof(message));
        }
    }

    private static void Buckets(WireWriter w, IReadOnlyList<ulong> buckets)
    {
        w.Int32(buckets.Count);
        foreach (var bucket in buckets)
        {
            w.UInt64(bucket);
        }
    }

    private static void Members(WireWriter w, IReadOnlyList<GossipMember> members)
    {
        w.Int32(members.Count);
        foreach (var member in members)
        {
            w.String(member.Name);
            w.String(member.Address);
            w.UInt32(member.Incarnation);
            w.Byte((byte)member.State);
        }
    }

    private static void Digest(WireWriter w, IReadOnlyList<SourceDigest> digest)
    {
        w.Int32(digest.Count);
        foreach (var source in digest)
        {
            w.String(source.Source);
            w.Int64(source.MaxClock);
            w.Int32(source.Count);
            w.UInt64(source.Hash);
        }
    }

    private static void Deltas(WireWriter w, IReadOnlyList<ReadOnlyMemory<byte>> deltas)
    {
        w.Int32(deltas.Count);
        foreach (var delta in deltas)
        {
            w.Blob(delta.Span);
        }
    }
}
