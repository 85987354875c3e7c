using Microsoft.Extensions.Configuration;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.Upstreams;

public sealed class UpstreamFlagsTests
{
    private static AgentOptions Parse(params string[] args) => CommandLine.ParseAgent(args, new ConfigurationBuilder().Build());

    private static AgentOptions ParseWith(Dictionary<string, string?> config, params string[] args) =>
        CommandLine.ParseAgent(args, new ConfigurationBuilder().AddInMemoryCollection(config).Build());

    [Fact]
    public void ParseAgent_Clusters_SeveralUrlsPerName()
    {
        var options = Parse("--clusters", "sc2=http://10.0.0.2:30100,http://10.0.0.3:30100,sc3=https://sc3.example:30100", "--sync-interval", "200ms");

        Assert.Equal(["sc2", "sc3"], options.Clusters.Select(c => c.Name));
        Assert.Equal(2, options.Clusters[0].Urls.Count);
        Assert.Equal("sc:sc3", options.Clusters[1].Source);
        Assert.Equal(["servicecenter"], options.Aggregate);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.SyncInterval);
    }

    [Fact]
    public void ParseAgent_ClusterNamedAfterLocalCluster_Skipped()
    {
        var options = Parse("--cluster-name", "sc1", "--clusters", "sc1=http://10.0.0.1:30100,sc2=http://10.0.0.2:30100");

        Assert.Equal("sc2", Assert.Single(options.Clusters).Name);
    }

    [Fact]
    public void ParseAgent_TokenFromConfiguration_AttachedToItsUpstream()
    {
        var options = ParseWith(new() { ["Sidecar:upstream-token-sc2"] = "secret", ["Sidecar:registry-upstream-token"] = "home-secret" },
            "--clusters", "sc2=http://10.0.0.2:30100", "--registry-upstream", "http://10.0.0.1:30100", "--aggregate", "k8s,servicecenter");

        Assert.Equal("secret", options.Clusters[0].Token);
        Assert.Equal("home-secret", options.RegistryUpstream!.Token);
        Assert.Equal(["k8s", "servicecenter"], options.Aggregate);
    }

    [Theory]
    [InlineData("--clusters", "http://10.0.0.2:30100", "must start with name=url")]
    [InlineData("--clusters", "sc2=ftp://x", "is not an http:// or https:// URL")]
    [InlineData("--clusters", "sc2=http://a:1,sc2=http://b:1", "listed twice")]
    [InlineData("--clusters", "bad name=http://a:1", "cluster name")]
    [InlineData("--aggregate", "etcd", "unknown adaptor 'etcd'")]
    [InlineData("--registry-upstream", "sc1:30100", "--registry-upstream")]
    [InlineData("--sync-interval", "soon", "--sync-interval 'soon'")]
    public void ParseAgent_BadValue_OneClearLine(string flag, string value, string expected)
    {
        var error = Assert.Throws<OptionException>(() => Parse(flag, value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ParseAgent_ClustersWithoutServicecenterAdaptor_Refused()
    {
        var error = Assert.Throws<OptionException>(() => Parse("--clusters", "sc2=http://a:1", "--aggregate", "k8s"));

        Assert.Contains("servicecenter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseAgent_MissingCaFile_Refused()
    {
        var error = Assert.Throws<OptionException>(() => ParseWith(new() { ["Sidecar:upstream-ca-sc2"] = "/nonexistent/ca.pem" }, "--clusters", "sc2=https://a:1"));

        Assert.Contains("upstream-ca-sc2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 16L << 20)]
    [InlineData("1MiB", 1L << 20)]
    [InlineData("65536", 65536L)]
    [InlineData("1GiB", 1L << 30)]
    public void ParseAgent_UpstreamMaxResponseBytes_Parsed(string? value, long expected)
    {
        var options = value is null ? Parse() : Parse("--upstream-max-response-bytes", value);

        Assert.Equal(expected, options.UpstreamMaxResponseBytes);
    }

    [Theory]
    [InlineData("1KiB")]
    [InlineData("2GiB")]
    [InlineData("16MB")]
    [InlineData("-5")]
    [InlineData("lots")]
    public void ParseAgent_UpstreamMaxResponseBytesOutOfRange_Refused(string value)
    {
        var error = Assert.Throws<OptionException>(() => Parse("--upstream-max-response-bytes", value));

        Assert.Contains("--upstream-max-response-bytes", error.Message, StringComparison.Ordinal);
    }
}
