using System.Security.Cryptography;
using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class GossipKeyringTests
{
    private static readonly byte[] s_old = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_new = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Seal_ThenOpenWithTheSameKey_RoundTrips()
    {
        var ring = new GossipKeyring([s_old]);
        var sealedMessage = ring.Seal("hello"u8, UdpTcpTransport.PacketKind);

        Assert.Equal(5 + GossipKeyring.Overhead, sealedMessage.Length);
        Assert.True(ring.TryOpen(sealedMessage, UdpTcpTransport.PacketKind, out var plaintext));
        Assert.Equal("hello"u8.ToArray(), plaintext);
    }

    [Fact]
    public void TryOpen_WrongKeyTamperedOrOtherKind_IsRefused()
    {
        var ring = new GossipKeyring([s_old]);
        var sealedMessage = ring.Seal("hello"u8, UdpTcpTransport.PacketKind);

        Assert.False(new GossipKeyring([s_new]).TryOpen(sealedMessage, UdpTcpTransport.PacketKind, out _));
        Assert.False(ring.TryOpen(sealedMessage, UdpTcpTransport.StreamKind, out _));
        for (var i = 0; i < sealedMessage.Length; i++)
        {
            var tampered = sealedMessage.ToArray();
            tampered[i] ^= 0x01;
            Assert.False(ring.TryOpen(tampered, UdpTcpTransport.PacketKind, out _), $"byte {i} flipped");
        }

        Assert.False(ring.TryOpen(sealedMessage.AsSpan(0, GossipKeyring.Overhead - 1), UdpTcpTransport.PacketKind, out _));
    }

    [Fact]
    public void Rotation_EveryStepOfTheKeyring_KeepsAgentsTalking()
    {
        // Step 0: everyone has [old]. Step 1: [old, new] rolled out. Step 2: [new, old]. Step 3: [new].
        var steps = new[] { new GossipKeyring([s_old]), new GossipKeyring([s_old, s_new]), new GossipKeyring([s_new, s_old]), new GossipKeyring([s_new]) };
        for (var step = 0; step < steps.Length - 1; step++)
        {
            // During a rollout, agents of two adjacent steps coexist and must understand each other.
            var (a, b) = (steps[step], steps[step + 1]);
            Assert.True(b.TryOpen(a.Seal("x"u8, 1), 1, out _), $"step {step} to {step + 1}");
            Assert.True(a.TryOpen(b.Seal("x"u8, 1), 1, out _), $"step {step + 1} to {step}");
        }

        Assert.False(steps[3].TryOpen(steps[0].Seal("x"u8, 1), 1, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void TryParse_BadKey_IsRefusedWithAReason(string text)
    {
        Assert.False(GossipKeyring.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_SeveralKeys_FirstEncrypts()
    {
        Assert.True(GossipKeyring.TryParse(Convert.ToBase64String(s_new) + ",\n" + Convert.ToBase64String(s_old), out var ring, out _));
        Assert.Equal(2, ring!.Count);
        Assert.True(new GossipKeyring([s_new]).TryOpen(ring.Seal("x"u8, 1), 1, out _));
    }

    [Fact]
    public void SealPacket_CarriesTheSendTimeInsideTheSealedData()
    {
        var ring = new GossipKeyring([s_old]);
        var sealedPacket = ring.SealPacket("hi"u8, 1_234_567);

        Assert.Equal(2 + GossipKeyring.PacketOverhead, sealedPacket.Length);
        Assert.True(ring.TryOpenPacket(sealedPacket, out var sentAt, out var payload));
        Assert.Equal(1_234_567, sentAt);
        Assert.Equal("hi"u8.ToArray(), payload);
        for (var i = 0; i < sealedPacket.Length; i++)
        {
            var tampered = sealedPacket.ToArray();
            tampered[i] ^= 0x01;
            Assert.False(ring.TryOpenPacket(tampered, out _, out _), $"byte {i} flipped");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(GossipKeyring.ChunkSize)]
    [InlineData((3 * GossipKeyring.ChunkSize) + 17)]
    public void SealStream_HeaderThenChunks_RoundTrip(int length)
    {
        var ring = new GossipKeyring([s_new, s_old]);
        var body = RandomNumberGenerator.GetBytes(length);
        var sealedStream = new GossipKeyring([s_old, s_new]).SealStream(body, 42);

        Assert.Equal(GossipKeyring.StreamLength(length), sealedStream.Length);
        Assert.Equal(41, GossipKeyring.StreamHeaderSize);
        Assert.Equal(body, Open(ring, sealedStream, out var sentAt));
        Assert.Equal(42, sentAt);
    }

    [Fact]
    public void SealStream_TamperedHeaderOrChunkOrSplicedChunks_AreRefused()
    {
        var ring = new GossipKeyring([s_old]);
        var body = RandomNumberGenerator.GetBytes((2 * GossipKeyring.ChunkSize) + 5);
        var first = ring.SealStream(body, 1);
        var second = ring.SealStream(body, 1);

        // Every byte of the header is authenticated, and a few bytes of each chunk.
        foreach (var i in Enumerable.Range(0, GossipKeyring.StreamHeaderSize).Concat([GossipKeyring.StreamHeaderSize, first.Length - 1, GossipKeyring.StreamHeaderSize + GossipKeyring.ChunkSize + 3]))
        {
            var tampered = first.ToArray();
            tampered[i] ^= 0x01;
            Assert.Null(Open(ring, tampered, out _));
        }

        // The chunks of another message with the same key, body and send time do not fit this header.
        var spliced = first.ToArray();
        second.AsSpan(GossipKeyring.StreamHeaderSize).CopyTo(spliced.AsSpan(GossipKeyring.StreamHeaderSize));
        Assert.Null(Open(ring, spliced, out _));

        // Nor do two chunks of the same message in another order (same length: swap the first two).
        var swapped = first.ToArray();
        var chunk = GossipKeyring.ChunkSize + GossipKeyring.TagSize;
        first.AsSpan(GossipKeyring.StreamHeaderSize, chunk).CopyTo(swapped.AsSpan(GossipKeyring.StreamHeaderSize + chunk));
        first.AsSpan(GossipKeyring.StreamHeaderSize + chunk, chunk).CopyTo(swapped.AsSpan(GossipKeyring.StreamHeaderSize));
        Assert.Null(Open(ring, swapped, out _));

        Assert.Null(new GossipKeyring([s_new]).TryOpenStreamHeader(first.AsSpan(0, GossipKeyring.StreamHeaderSize), out _, out _));
        Assert.Null(ring.TryOpenStreamHeader(ring.Seal(new byte[12], UdpTcpTransport.PacketKind), out _, out _));
    }

    /// <summary>Opens a sealed stream the way the transport does: header first, then chunk by chunk.</summary>
    private static byte[]? Open(GossipKeyring ring, byte[] sealedStream, out long sentAt)
    {
        if (ring.TryOpenStreamHeader(sealedStream.AsSpan(0, GossipKeyring.StreamHeaderSize), out sentAt, out var length) is not { } chunks)
        {
            return null;
        }

        var body = new byte[length];
        var offset = GossipKeyring.StreamHeaderSize;
        for (var i = 0; i < GossipKeyring.ChunkCount(length); i++)
        {
            var sealedLength = GossipKeyring.StreamChunks.SealedChunkLength(length, i);
            if (!chunks.TryOpen(i, sealedStream.AsSpan(offset, sealedLength), body.AsSpan(i * GossipKeyring.ChunkSize, sealedLength - GossipKeyring.TagSize)))
            {
                return null;
            }

            offset += sealedLength;
        }

        return offset == sealedStream.Length ? body : null;
    }
}
