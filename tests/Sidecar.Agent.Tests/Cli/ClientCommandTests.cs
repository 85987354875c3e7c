using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Cli;

/// <summary><c>sidecar status</c> and <c>sidecar members</c> against a real agent process.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sidecar-status").FullName;
    private SidecarProcess _agent = null!;

    private string Address => $"http://127.0.0.1:{_agent.Port}";

    public async ValueTask InitializeAsync()
    {
        _agent = await SidecarProcess.StartAsync(_dataDir, (int?)null, "--node-name", "status-node");
        var ct = TestContext.Current.CancellationToken;
        using var service = await _agent.Client.PostAsJsonAsync("/v4/default/registry/microservices",
            new { service = new { appId = "shop", serviceName = "orders", version = "1.0.0" } }, ct);
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("serviceId").GetString();
        using var instance = await _agent.Client.PostAsJsonAsync($"/v4/default/registry/microservices/{serviceId}/instances",
            new { instance = new { hostName = "h1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, ct);
        instance.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Status_ShowsTheAgentSourceFreshWithCountsAndTheMember()
    {
        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync("status", "--agent", Address);

        Assert.True(exitCode == 0, stderr);
        var row = Assert.Single(stdout.Split('\n'), l => l.StartsWith("agent:status-node ", StringComparison.Ordinal));
        Assert.Matches(@"^agent:status-node\s+fresh\s+\d+s\s+1\s+1\s", row);
        Assert.Contains("1 services, 1 instances", stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^status-node\s+-\s+alive\s+0$", stdout);
    }

    [Fact]
    public async Task Status_JsonFormat_CarriesTheAgentsAnswers()
    {
        var (exitCode, stdout, _) = await SidecarCli.RunAsync(new Dictionary<string, string> { ["SIDECAR_AGENT"] = Address }, "status", "--format", "json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(stdout);
        var source = Assert.Single(json.RootElement.GetProperty("sources").GetProperty("sources").EnumerateArray());
        Assert.Equal("agent:status-node", source.GetProperty("source").GetString());
        Assert.Equal(1, source.GetProperty("instances").GetInt32());
        Assert.Equal("status-node", json.RootElement.GetProperty("members").GetProperty("self").GetString());
    }

    [Fact]
    public async Task Members_ListsNameAddressAndState()
    {
        var (exitCode, stdout, _) = await SidecarCli.RunAsync("members", "--agent", Address);

        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^Node\s+Address\s+Status\s+Incarnation$", lines[0]);
        Assert.Matches(@"^status-node\s+-\s+alive\s+0$", Assert.Single(lines[1..]));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("members")]
    public async Task UnreachableAgent_Exit1WithOneClearLine(string command)
    {
        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync(command, "--agent", $"http://127.0.0.1:{SidecarProcess.FreePort()}");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"sidecar {command}: cannot reach the agent at http://127.0.0.1:", line, StringComparison.Ordinal);
    }
}
