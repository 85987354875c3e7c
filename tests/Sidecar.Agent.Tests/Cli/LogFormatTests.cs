using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Cli;

/// <summary><c>--log-format</c> of a real agent process: every line keeps its event id.</summary>
public sealed class LogFormatTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sidecar-logs").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task JsonFormat_EveryLineIsJsonWithAnEventId()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir, (int?)null, "--log-format", "json", "--node-name", "json-logs");
        var lines = await WaitForAsync(agent, "8101");

        Assert.All(lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("EventId").ValueKind);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _));
        });
        using var started = JsonDocument.Parse(Assert.Single(lines, l => l.Contains("\"EventId\":8101", StringComparison.Ordinal)));
        Assert.Equal("json-logs", started.RootElement.GetProperty("State").GetProperty("NodeName").GetString());
    }

    [Fact]
    public async Task TextFormat_LinesCarryTheEventId()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir, (int?)null, "--node-name", "text-logs");

        var lines = await WaitForAsync(agent, "8101");

        Assert.Contains(lines, l => l.Contains("Sidecar.Agent.Hosting.AgentHost[8101]", StringComparison.Ordinal));
    }

    /// <summary>
    /// The injector turns the pod annotations <c>sidecar.servicecomb.io/log-format</c> and <c>…/log-level</c> into
    /// <c>SIDECAR_LOG_FORMAT</c> and <c>SIDECAR_LOG_LEVEL</c> (tests/Sidecar.Kubernetes.Tests TestData/Inject/pod.expected.yaml);
    /// the agent takes them from its environment like the flags.
    /// </summary>
    [Fact]
    public async Task AnnotationEnv_JsonAtDebug_DebugLinesAsJsonWithEventIds()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir, new Dictionary<string, string> { ["SIDECAR_LOG_FORMAT"] = "json", ["SIDECAR_LOG_LEVEL"] = "Debug" }, null);

        var lines = await WaitForAsync(agent, "\"EventId\":8101");

        var debug = lines.Where(l => l.Contains("\"LogLevel\":\"Debug\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(debug);
        Assert.All(lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("EventId").ValueKind);
        });
    }

    [Fact]
    public async Task AnnotationEnv_LevelWarning_NoInformationLines()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir, new Dictionary<string, string> { ["SIDECAR_LOG_LEVEL"] = "warning" }, null, "--node-name", "quiet-logs");
        // Ready; give the asynchronous console time to write what it would (the started line comes with readiness).
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("[8101]", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("info:", agent.Output, StringComparison.Ordinal);
    }

    /// <summary>The agent's output lines once one mentions <paramref name="text"/> (console logging is asynchronous).</summary>
    private static async Task<string[]> WaitForAsync(SidecarProcess agent, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!agent.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return agent.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
