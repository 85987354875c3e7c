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
}
