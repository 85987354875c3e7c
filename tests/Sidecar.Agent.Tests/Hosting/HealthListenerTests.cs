using System.Net;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Hosting;

public sealed class HealthListenerTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-health-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task HealthListen_ServesOnlyHealthPaths_AppApiStaysOnListen()
    {
        var healthPort = SidecarProcess.FreeTcpPort();
        await using var agent = await SidecarProcess.StartAsync(_dataDir, null, "--health-listen", $"127.0.0.1:{healthPort}");
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        using var alive = await health.GetAsync("/v1/health");
        using var ready = await health.GetAsync("/v1/health/ready");
        using var registry = await health.GetAsync("/v4/default/registry/microservices");
        using var lookup = await health.GetAsync("/v1/services/x/instances");
        using var sources = await health.GetAsync("/v1/sources");
        using var post = await health.PostAsync("/v1/health", null);
        using var onListen = await agent.Client.GetAsync("/v4/default/registry/microservices");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, registry.StatusCode);
        Assert.Equal("404 page not found\n", await registry.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sources.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onListen.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1:30100")]
    [InlineData("0.0.0.0:0")]
    [InlineData("nowhere")]
    public void ParseAgent_BadHealthListen_FailsNamingTheFlag(string value)
    {
        var error = Assert.Throws<OptionException>(() => CommandLine.ParseAgent(["--health-listen", value], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));

        Assert.Contains("--health-listen", error.Message, StringComparison.Ordinal);
    }
}
