using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Tests.AutoRegistration;
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

    /// <summary>
    /// From SIGTERM on the agent drains (here: an auto-registered app with a 3 s drain delay) and keeps serving; both
    /// listeners must answer not ready at once, so load balancers and kubelet stop sending, while liveness stays ok so
    /// that nothing restarts a process that is stopping on purpose.
    /// </summary>
    [Fact]
    public async Task Sigterm_ReadinessFalseAtOnceOnBothListeners_LivenessOkUntilExit()
    {
        var ct = TestContext.Current.CancellationToken;
        var healthPort = SidecarProcess.FreeTcpPort();
        var appPort = SidecarProcess.FreeTcpPort();
        using var app = await AppProcess.StartAsync(appPort);
        var environment = new Dictionary<string, string>
        {
            ["SIDECAR_APP_PORT"] = appPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SIDECAR_APP_ID"] = "demo",
            ["SIDECAR_SERVICE_NAME"] = "shop",
            ["SIDECAR_APP_PROBE_INTERVAL"] = "100ms",
            ["SIDECAR_APP_DRAIN_DELAY"] = "3s",
            ["POD_IP"] = "127.0.0.1",
        };
        await using var agent = await SidecarProcess.StartAsync(_dataDir, environment, null, "--health-listen", $"127.0.0.1:{healthPort}");
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await WaitRegisteredAsync(agent);
        Assert.Equal("200 ready", await AnswerAsync(health, "/v1/health/ready"));
        Assert.Equal("200 ready", await AnswerAsync(agent.Client, "/v1/health/ready"));

        var sinceSigterm = Stopwatch.StartNew();
        agent.Terminate();
        var samples = new List<(TimeSpan At, string[] Answers)>();
        while (!agent.HasExited && sinceSigterm.Elapsed < TimeSpan.FromSeconds(30))
        {
            var at = sinceSigterm.Elapsed;
            try
            {
                samples.Add((at, await Task.WhenAll(
                    AnswerAsync(agent.Client, "/v1/health/ready"), AnswerAsync(health, "/v1/health/ready"),
                    AnswerAsync(agent.Client, "/v1/health"), AnswerAsync(health, "/v1/health"))));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The listeners closed: the drain is over and the host is stopping.
                break;
            }

            await Task.Delay(50, ct);
        }

        await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var shown = string.Join('\n', samples.Select(s => $"{s.At.TotalMilliseconds:0} ms: {string.Join(" | ", s.Answers)}"));
        Assert.True(samples.Count >= 5, "too few answers while draining:\n" + shown);
        Assert.All(samples, s => Assert.Equal(new[] { "200 alive", "200 alive" }, s.Answers[2..]));
        // Not ready within a second of the signal, on both listeners, and from then on until the listeners close.
        var firstNotReady = samples.FindIndex(s => s.Answers[0].StartsWith("503", StringComparison.Ordinal));
        Assert.True(firstNotReady >= 0 && samples[firstNotReady].At < TimeSpan.FromSeconds(1), "not ready within 1 s of SIGTERM:\n" + shown);
        Assert.All(samples.Skip(firstNotReady + 1), s => Assert.Equal(new[] { "503 not ready: shutting down", "503 not ready: shutting down" }, s.Answers[..2]));
        // The drain kept the process serving (3 s): readiness was false for that long while liveness was ok.
        Assert.True(samples[^1].At - samples[firstNotReady].At >= TimeSpan.FromSeconds(2), "the agent stopped answering before its drain delay:\n" + shown);
        Assert.Equal(0, agent.ExitCode);
    }

    private static async Task<string> AnswerAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static async Task WaitRegisteredAsync(SidecarProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await agent.Client.GetAsync("/v4/default/registry/instances?appId=demo&serviceName=shop");
            using var body = JsonDocument.Parse(response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "{}");
            if (body.RootElement.TryGetProperty("instances", out var instances) && instances.GetArrayLength() == 1)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the app was not registered within 30 s:\n" + agent.Output);
    }

    [Theory]
    [InlineData("nowhere")]
    [InlineData("127.0.0.1")]
    public void ParseAgent_MalformedHealthListen_FailsNamingTheFlag(string value)
    {
        var error = Assert.Throws<OptionException>(() => CommandLine.ParseAgent(["--health-listen", value], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));

        Assert.Contains("--health-listen", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:30100")]
    [InlineData("0.0.0.0:0")]
    public void Validate_HealthListenWithoutAPortOfItsOwn_FailsNamingTheFlag(string value)
    {
        var options = CommandLine.ParseAgent(["--health-listen", value], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith($"--health-listen '{value}' needs a fixed port", result.FailureMessage, StringComparison.Ordinal);
    }
}
