using System.Net;
using Sidecar.Cli;

namespace Sidecar.Agent.Tests.Cli;

/// <summary>The one parser of host:port, durations and names that every command's flags go through.</summary>
public sealed class SettingValueTests
{
    [Theory]
    [InlineData("127.0.0.1:30100", "127.0.0.1", 30100)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("[::1]:8443", "::1", 8443)]
    [InlineData(" 0.0.0.0:7946 ", "0.0.0.0", 7946)]
    public void Endpoint_Good(string value, string address, int port)
    {
        Assert.Null(SettingValue.Endpoint("listen", value, out var endpoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }

    [Theory]
    [InlineData("127.0.0.1", "--listen '127.0.0.1' is not host:port")]
    [InlineData("127.0.0.1:65536", "--listen '127.0.0.1:65536' is not host:port")]
    [InlineData(":80", "--listen ':80' is not host:port")]
    [InlineData("my-pod:80", "--listen 'my-pod:80': 'my-pod' is not an IP address or localhost")]
    public void Endpoint_Bad_OneLineNamingTheFlag(string value, string message)
    {
        Assert.StartsWith(message, SettingValue.Endpoint("listen", value, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void HostPort_AcceptsNames()
    {
        Assert.Null(SettingValue.HostPort("join", "sidecar-peers.ns.svc:7946", out var host, out var port));
        Assert.Equal(("sidecar-peers.ns.svc", 7946), (host, port));
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("7", 7_000)]
    public void Duration_Units(string value, double milliseconds)
    {
        Assert.Null(SettingValue.Duration("sync-interval", value, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("5ms")]
    [InlineData("2h")]
    [InlineData("soon")]
    [InlineData("-1s")]
    public void Duration_OutOfRangeOrMalformed_NamesTheFlagAndTheRange(string value)
    {
        var error = SettingValue.Duration("sync-interval", value, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), out _);

        Assert.Equal($"--sync-interval '{value}' must be a duration between 10ms and 1h such as 200ms, 5s or 1m", error);
    }

    [Theory]
    [InlineData("node-1", true)]
    [InlineData("a_b.c", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("ünï", false)]
    public void Name_LettersDigitsDashUnderscoreDot(string value, bool good)
    {
        Assert.Equal(good, SettingValue.Name("node-name", value) is null);
    }
}
