using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class GossipCommandLineTests : IDisposable
{
    private static readonly string s_key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    private static AgentOptions Parse(params string[] args) => CommandLine.ParseAgent(args, new ConfigurationBuilder().Build());

    [Fact]
    public void NoGossipFlags_Standalone() => Assert.Null(Parse().Gossip);

    [Fact]
    public void BindJoinAndKey_AreParsed()
    {
        var gossip = Parse("--gossip-bind", "127.0.0.1:7000", "--join", "a:7946, 10.0.0.2:7946", "--gossip-key", s_key).Gossip!;

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), gossip.Bind);
        Assert.Equal(gossip.Bind, gossip.Advertise);
        Assert.Equal(["a:7946", "10.0.0.2:7946"], gossip.Join);
        Assert.Equal(1, gossip.Keyring.Count);
        Assert.Equal(1, gossip.TimeScale);
    }

    [Fact]
    public void AnyAddressBind_AdvertisesAReachableAddress()
    {
        var gossip = Parse("--gossip-bind", "0.0.0.0:7946", "--gossip-key", s_key).Gossip!;

        Assert.NotEqual(IPAddress.Any, gossip.Advertise.Address);
        Assert.Equal(7946, gossip.Advertise.Port);
    }

    [Fact]
    public void KeyFile_WithSeveralKeys_IsAKeyring()
    {
        File.WriteAllText(_keyFile, s_key + "\n" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");

        Assert.Equal(2, Parse("--gossip-bind", "127.0.0.1:7000", "--gossip-key-file", _keyFile).Gossip!.Keyring.Count);
    }

    [Theory]
    [InlineData("gossip needs a cluster key", "--gossip-bind", "127.0.0.1:7000")]
    [InlineData("gossip needs a cluster key", "--join", "peer:7946")]
    [InlineData("--gossip-key: a key is not base64 of exactly 32 bytes", "--gossip-bind", "127.0.0.1:7000", "--gossip-key", "c2hvcnQ=")]
    [InlineData("--gossip-key-file '/nonexistent/key' cannot be read", "--gossip-bind", "127.0.0.1:7000", "--gossip-key-file", "/nonexistent/key")]
    [InlineData("--gossip-bind 'nohost' is not host:port", "--gossip-bind", "nohost")]
    [InlineData("--join 'peer' is not host:port", "--join", "peer", "--gossip-key", "x")]
    [InlineData("--gossip-key needs gossip", "--gossip-key", "x")]
    [InlineData("--gossip-advertise '0.0.0.0:7946' must be an address", "--gossip-bind", "127.0.0.1:7000", "--gossip-advertise", "0.0.0.0:7946")]
    public void BadGossipFlags_AreRefusedNamingTheFlag(string message, params string[] args)
    {
        var error = Assert.Throws<OptionException>(() => Parse(args));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyAndKeyFile_AreExclusive()
    {
        var error = Assert.Throws<OptionException>(() => Parse("--gossip-bind", "127.0.0.1:7000", "--gossip-key", s_key, "--gossip-key-file", _keyFile));

        Assert.Contains("exclusive", error.Message, StringComparison.Ordinal);
    }
}
