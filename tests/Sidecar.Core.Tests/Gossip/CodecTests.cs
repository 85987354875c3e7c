using Sidecar.Gossip;
using Sidecar.Gossip.Wire;

namespace Sidecar.Tests.Gossip;

public class CodecTests
{
    private static readonly GossipMessage[] s_packetMessages =
    [
        new PingMessage(7, "b", "a", "10.0.0.1:7946"),
        new IndirectPingMessage(8, "c", "10.0.0.3:7946", "a", "10.0.0.1:7946", WantNack: true),
        new AckMessage(uint.MaxValue),
        new NackMessage(3),
        new AliveMessage(4, "nödé-1", "10.0.0.1:7946"),
        new SuspectMessage(5, "b", "a"),
        new DeadMessage(6, "b", "b"),
    ];

    public static TheoryData<int> PacketMessages() => [.. Enumerable.Range(0, s_packetMessages.Length)];

    [Theory]
    [MemberData(nameof(PacketMessages))]
    public void Packet_RoundTrip_GivesEqualMessage(int index)
    {
        var message = s_packetMessages[index];
        var packet = GossipCodec.BuildPacket([MessageEncoder.Encode(message), MessageEncoder.Encode(new AckMessage(1))]);
        var decoded = new List<GossipMessage>();

        Assert.True(GossipCodec.TryDecodePacket(packet, decoded));
        Assert.Equal([message, new AckMessage(1)], decoded);
    }

    [Fact]
    public void Delta_RoundTrip_KeepsPayload()
    {
        var packet = GossipCodec.BuildPacket([MessageEncoder.Encode(new DeltaMessage(new byte[] { 1, 2, 3 }))]);
        var decoded = new List<GossipMessage>();

        Assert.True(GossipCodec.TryDecodePacket(packet, decoded));
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.IsType<DeltaMessage>(Assert.Single(decoded)).Payload.ToArray());
    }

    [Fact]
    public void Stream_PushPullRoundTrip_KeepsEveryField()
    {
        GossipMember[] members = [new("a", "x:1", 3, MemberState.Suspect), new("b", "y:2", 0, MemberState.Left)];
        SourceDigest[] digest = [new("agent:a", 42, 3, 0xDEADBEEF)];
        var final = new PushPullFinal("a", "x:1", [1UL, 2UL], members, digest, [new byte[] { 9 }, Array.Empty<byte>()]);

        Assert.True(GossipCodec.TryDecodeStream(GossipCodec.EncodeStream(final), out var decoded));
        var back = Assert.IsType<PushPullFinal>(decoded);
        Assert.Equal(final.Name, back.Name);
        Assert.Equal(final.SourceBuckets, back.SourceBuckets);
        Assert.Equal(members, back.Members);
        Assert.Equal(digest, back.Digest);
        Assert.Equal([[9], []], back.Deltas.Select(d => d.ToArray()));

        var request = new PushPullRequest("a", "x:1", Join: true, [5UL], [6UL]);
        Assert.True(GossipCodec.TryDecodeStream(GossipCodec.EncodeStream(request), out var decodedRequest));
        var r = Assert.IsType<PushPullRequest>(decodedRequest);
        Assert.Equal((request.Name, request.Join, 5UL, 6UL), (r.Name, r.Join, r.MemberBuckets[0], r.SourceBuckets[0]));
    }

    [Fact]
    public void Decode_EveryTruncation_IsRejected()
    {
        var packet = GossipCodec.BuildPacket([MessageEncoder.Encode(new IndirectPingMessage(8, "c", "c:1", "a", "a:1", true)), MessageEncoder.Encode(new AliveMessage(1, "a", "a:1"))]);
        var stream = GossipCodec.EncodeStream(new PushPullFinal("a", "x:1", [1UL], [new("a", "x:1", 3, MemberState.Alive)], [new("s", 1, 1, 1)], [new byte[] { 1 }]));
        var decoded = new List<GossipMessage>();

        for (var length = 0; length < packet.Length; length++)
        {
            Assert.False(GossipCodec.TryDecodePacket(packet.AsSpan(0, length), decoded));
            Assert.Empty(decoded);
        }

        for (var length = 0; length < stream.Length; length++)
        {
            Assert.False(GossipCodec.TryDecodeStream(stream.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void Decode_RandomGarbageAndBitFlips_NeverThrows()
    {
        var random = new Random(4);
        var decoded = new List<GossipMessage>();
        var valid = GossipCodec.BuildPacket([MessageEncoder.Encode(new PingMessage(1, "b", "a", "a:1")), MessageEncoder.Encode(new SuspectMessage(2, "c", "a"))]);
        var validStream = GossipCodec.EncodeStream(new PushPullResponse("a", "a:1", [1UL, 2UL], [3UL, 4UL], [new("a", "a:1", 1, MemberState.Alive)], []));
        for (var i = 0; i < 20_000; i++)
        {
            var garbage = new byte[random.Next(0, 64)];
            random.NextBytes(garbage);
            if (garbage.Length > 3 && i % 2 == 0)
            {
                garbage[0] = GossipCodec.Magic;
                garbage[1] = GossipCodec.Version;
                garbage[2] = (byte)(i % 4 == 0 ? 0 : 1);
            }

            GossipCodec.TryDecodePacket(garbage, decoded);
            GossipCodec.TryDecodeStream(garbage, out _);

            var flipped = (i % 2 == 0 ? valid : validStream).ToArray();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            GossipCodec.TryDecodePacket(flipped, decoded);
            GossipCodec.TryDecodeStream(flipped, out _);
        }
    }

    [Fact]
    public void Decode_HugeCountsAndInvalidUtf8_AreRejected()
    {
        var w = new WireWriter();
        w.Byte(GossipCodec.Magic);
        w.Byte(GossipCodec.Version);
        w.Byte(1);
        w.Byte((byte)MessageType.PushPullDeltas);
        w.String("a");
        w.Int32(int.MaxValue);
        Assert.False(GossipCodec.TryDecodeStream(w.ToArray(), out _));

        byte[] badName = [GossipCodec.Magic, GossipCodec.Version, 0, 1, 0, 9, (byte)MessageType.Alive, 0, 0, 0, 1, 2, 0xC3, 0x28, 0];
        Assert.False(GossipCodec.TryDecodePacket(badName, new List<GossipMessage>()));
    }

    [Fact]
    public void Packet_StreamOnlyMessage_IsRejected()
    {
        var packet = GossipCodec.BuildPacket([MessageEncoder.Encode(new PushPullDeltas("a", []))]);

        Assert.False(GossipCodec.TryDecodePacket(packet, new List<GossipMessage>()));
    }
}
