using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.AutoRegistration;

/// <summary>A real <c>sidecar agent</c> process with the injected env and a real app process (python3 http.server).</summary>
public sealed class AutoRegistrationProcessTests : IDisposable
{
    private const string PodUid = "5f3c2a9e-1b7d-4c6e-9a0f-2d8e4b6c1a3f";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-autoreg-" + Guid.NewGuid().ToString("N"));
    private readonly int _appPort = SidecarProcess.FreeTcpPort();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Agent_AppLifecycle_RegistersWhenPortOpensDownWhileFailingUpAgainUnregistersOnSigtermBeforeExit()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir, Environment(podUid: PodUid, drain: "3s"));

        // Not registered while the app port refuses connections.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Null(await FindAsync(agent));

        JsonElement instance;
        using (await AppProcess.StartAsync(_appPort))
        {
            instance = await WaitForAsync(agent, i => i?.GetProperty("status").GetString() == "UP");
            Assert.Equal(PodUid.Replace("-", ""), instance.GetProperty("instanceId").GetString());
            Assert.Equal($"rest://127.0.0.1:{_appPort}", instance.GetProperty("endpoints").EnumerateArray().Single().GetString());
            Assert.Equal("shop-7d9f-abcde", instance.GetProperty("hostName").GetString());
            var properties = instance.GetProperty("properties");
            Assert.Equal("shop-ns", properties.GetProperty("namespace").GetString());
            Assert.Equal("node-1", properties.GetProperty("nodeName").GetString());
            Assert.Equal("shop-7d9f-abcde", properties.GetProperty("podName").GetString());
        }

        // The app stopped answering.
        await WaitForAsync(agent, i => i?.GetProperty("status").GetString() == "DOWN");

        using (await AppProcess.StartAsync(_appPort))
        {
            await WaitForAsync(agent, i => i?.GetProperty("status").GetString() == "UP");

            agent.Terminate();

            // Unregistered while the agent still runs (draining), then it exits cleanly.
            await WaitForAsync(agent, i => i is null);
            Assert.False(agent.HasExited, "the instance must disappear before the agent exits (drain)");
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, agent.ExitCode);
            Assert.Contains("unregistered shop instance", agent.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Agent_RestartOnSameDataDir_KeepsInstanceId()
    {
        using var app = await AppProcess.StartAsync(_appPort);
        string instanceId;
        await using (var agent = await SidecarProcess.StartAsync(_dataDir, Environment(podUid: null, drain: "0")))
        {
            instanceId = (await WaitForAsync(agent, i => i is not null)).GetProperty("instanceId").GetString()!;
            agent.Kill();
        }

        await using var restarted = await SidecarProcess.StartAsync(_dataDir, Environment(podUid: null, drain: "0"));
        await WaitForAsync(restarted, i => i?.GetProperty("status").GetString() == "UP");
        var all = await FindAllAsync(restarted);
        Assert.Equal(instanceId, Assert.Single(all).GetProperty("instanceId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", instanceId);
    }

    private Dictionary<string, string> Environment(string? podUid, string drain)
    {
        var env = new Dictionary<string, string>
        {
            ["SIDECAR_APP_PORT"] = _appPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SIDECAR_APP_ID"] = "demo",
            ["SIDECAR_SERVICE_NAME"] = "shop",
            ["SIDECAR_VERSION"] = "1.2.3",
            ["SIDECAR_APP_PROTOCOL"] = "rest",
            ["SIDECAR_APP_PROBE_INTERVAL"] = "100ms",
            ["SIDECAR_APP_FAILURE_THRESHOLD"] = "1",
            ["SIDECAR_APP_DRAIN_DELAY"] = drain,
            ["POD_NAME"] = "shop-7d9f-abcde",
            ["POD_NAMESPACE"] = "shop-ns",
            ["POD_IP"] = "127.0.0.1",
            ["NODE_NAME"] = "node-1",
        };
        if (podUid is not null)
        {
            env["POD_UID"] = podUid;
        }

        return env;
    }

    private static async Task<List<JsonElement>> FindAllAsync(SidecarProcess agent)
    {
        using var response = await agent.Client.GetAsync("/v4/default/registry/instances?appId=demo&serviceName=shop");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.TryGetProperty("instances", out var instances) ? [.. instances.EnumerateArray().Select(i => i.Clone())] : [];
    }

    private static async Task<JsonElement?> FindAsync(SidecarProcess agent) =>
        (await FindAllAsync(agent)) is [var only] ? only : null;

    private static async Task<JsonElement> WaitForAsync(SidecarProcess agent, Func<JsonElement?, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        JsonElement? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                last = await FindAsync(agent);
                if (condition(last))
                {
                    return last ?? default;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"condition not met within 20 s; last instance: {last?.ToString() ?? "none"}; agent output:\n{agent.Output}");
    }
}
