namespace Sidecar.Gossip.Wire;

/// <summary>Decodes one message; returns false on anything malformed, never throws.</summary>
internal static class MessageDecoder
{
    /// <summary>Most push-pull bucket hashes a peer may send.</summary>
    public const int MaxBuckets = 4096;

    public static bool TryDecode(ReadOnlySpan<byte> data, out GossipMessage? message)
    {
        var r = new WireReader(data);
        message = null;
        if (!r.Byte(out var type))
        {
            return false;
        }

        message = (MessageType)type switch
        {
            MessageType.Ping => Ping(ref r),
            MessageType.IndirectPing => IndirectPing(ref r),
            MessageType.Ack => r.UInt32(out var seq) ? new AckMessage(seq) : null,
            MessageType.Nack => r.UInt32(out var seq) ? new NackMessage(seq) : null,
            MessageType.Alive => r.UInt32(out var inc) && r.String(out var name) && r.String(out var address) ? new AliveMessage(inc, name, address) : null,
            MessageType.Suspect => r.UInt32(out var inc) && r.String(out var name) && r.String(out var from) ? new SuspectMessage(inc, name, from) : null,
            MessageType.Dead => r.UInt32(out var inc) && r.String(out var name) && r.String(out var from) ? new DeadMessage(inc, name, from) : null,
            MessageType.Delta => r.Rest(out var rest) ? new DeltaMessage(rest.ToArray()) : null,
            MessageType.StreamDelta => r.Rest(out var rest) ? new StreamDeltaMessage(rest.ToArray()) : null,
            MessageType.PushPullRequest => Request(ref r),
            MessageType.PushPullResponse => Response(ref r),
            MessageType.PushPullFinal => Final(ref r),
            MessageType.PushPullDeltas => r.String(out var name) && Deltas(ref r, out var deltas) ? new PushPullDeltas(name, deltas) : null,
            _ => null,
        };

        // Trailing bytes mean the message is not what it claims to be.
        if (message is null || r.Remaining != 0)
        {
            message = null;
            return false;
        }

        return true;
    }

    private static PingMessage? Ping(ref WireReader r) =>
        r.UInt32(out var seq) && r.String(out var target) && r.String(out var name) && r.String(out var address)
            ? new PingMessage(seq, target, name, address)
            : null;

    private static IndirectPingMessage? IndirectPing(ref WireReader r) =>
        r.UInt32(out var seq) && r.String(out var target) && r.String(out var targetAddress) && r.String(out var name)
        && r.String(out var address) && r.Bool(out var nack)
            ? new IndirectPingMessage(seq, target, targetAddress, name, address, nack)
            : null;

    private static PushPullRequest? Request(ref WireReader r) =>
        r.String(out var name) && r.String(out var address) && r.Bool(out var join) && Buckets(ref r, out var members)
        && Buckets(ref r, out var sources) && members.Length == sources.Length
            ? new PushPullRequest(name, address, join, members, sources)
            : null;

    private static PushPullResponse? Response(ref WireReader r) =>
        r.String(out var name) && r.String(out var address) && Buckets(ref r, out var memberBuckets) && Buckets(ref r, out var sourceBuckets)
        && memberBuckets.Length == sourceBuckets.Length && Members(ref r, out var members) && Digest(ref r, out var digest)
            ? new PushPullResponse(name, address, memberBuckets, sourceBuckets, members, digest)
            : null;

    private static PushPullFinal? Final(ref WireReader r) =>
        r.String(out var name) && r.String(out var address) && Buckets(ref r, out var buckets) && Members(ref r, out var members)
        && Digest(ref r, out var digest) && Deltas(ref r, out var deltas)
            ? new PushPullFinal(name, address, buckets, members, digest, deltas)
            : null;

    private static bool Buckets(ref WireReader r, out ulong[] buckets)
    {
        buckets = [];
        if (!r.Count(8, out var count) || count is 0 or > MaxBuckets)
        {
            return false;
        }

        buckets = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.UInt64(out buckets[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Members(ref WireReader r, out GossipMember[] members)
    {
        members = [];
        if (!r.Count(8, out var count))
        {
            return false;
        }

        members = new GossipMember[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.String(out var name) || !r.String(out var address) || !r.UInt32(out var inc) || !r.Byte(out var state)
                || state > (byte)MemberState.Left)
            {
                return false;
            }

            members[i] = new GossipMember(name, address, inc, (MemberState)state);
        }

        return true;
    }

    private static bool Digest(ref WireReader r, out SourceDigest[] digest)
    {
        digest = [];
        if (!r.Count(22, out var count))
        {
            return false;
        }

        digest = new SourceDigest[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.String(out var source) || !r.Int64(out var clock) || !r.Int32(out var records) || records < 0 || !r.UInt64(out var hash))
            {
                return false;
            }

            digest[i] = new SourceDigest(source, clock, records, hash);
        }

        return true;
    }

    private static bool Deltas(ref WireReader r, out ReadOnlyMemory<byte>[] deltas)
    {
        deltas = [];
        if (!r.Count(4, out var count))
        {
            return false;
        }

        deltas = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.Blob(out deltas[i]))
            {
                return false;
            }
        }

        return true;
    }
}
