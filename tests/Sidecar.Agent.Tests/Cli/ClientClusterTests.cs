using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Cli;

/// <summary>
/// <c>sidecar members</c> and <c>sidecar status</c> against a real gossip cluster of three agent processes on
/// loopback (time scale 0.25, as in the gossip cluster tests), before and after one agent leaves.
/// </summary>
[Collection(nameof(Gossip.GossipClusterTests))]
public sealed class ClientClusterTests : IAsyncDisposable
{
    private static readonly Dictionary<string, string> s_fast = new() { ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25" };

    private readonly string _root = Directory.CreateTempSubdirectory("sidecar-cli-cluster").FullName;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<SidecarProcess> _agents = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task MembersAndStatus_ThreeAgents_EveryMemberWithItsAddressAndState_ThenOneLeft()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => SidecarProcess.FreePort()).ToArray();
        var c0 = await StartAsync("c0", ports[0], join: null);
        var (c1, c2) = (await StartAsync("c1", ports[1], join: $"127.0.0.1:{ports[0]}"), await StartAsync("c2", ports[2], join: $"127.0.0.1:{ports[0]}"));
        await EventuallyAsync("all three see three alive members", async () =>
            (await Task.WhenAll(_agents.Select(AliveCountAsync))).All(n => n == 3));
        await RegisterAsync(c1);
        await EventuallyAsync("c0 has c1's instance", async () =>
            (await c0.Client.GetFromJsonAsync<JsonElement>("/v1/services/cart/instances?appId=shop", Ct)).TryGetProperty("instances", out var list)
            && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1);

        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync("members", "--agent", Url(c0));

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^Node\s+Address\s+Status\s+Incarnation$", lines[0]);
        Assert.Equal(new[] { "c0", "c1", "c2" }, lines[1..].Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal).ToArray());
        for (var i = 0; i < 3; i++)
        {
            Assert.Matches($@"^c{i}\s+127\.0\.0\.1:{ports[i]}\s+alive\s+\d+$", Assert.Single(lines, l => l.StartsWith($"c{i} ", StringComparison.Ordinal)));
        }

        (exitCode, stdout, stderr) = await SidecarCli.RunAsync("status", "--agent", Url(c0));

        Assert.True(exitCode == 0, stderr);
        Assert.Contains($"Agent:     c0 at {Url(c0)}/ (gossip on)", stdout, StringComparison.Ordinal);
        Assert.Contains("Members:   3 alive", stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^agent:c1\s+fresh\s+\d+s\s+1\s+1\s", stdout);

        // c2 leaves cleanly (SIGTERM): the others show it as left.
        Assert.Equal(0, await c2.TerminateAsync());
        await EventuallyAsync("c0 sees c2 left", async () =>
            (await SidecarCli.RunAsync("members", "--agent", Url(c0))).Stdout.Split('\n').Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^c2\s+\S+\s+left\s")));

        (exitCode, stdout, _) = await SidecarCli.RunAsync("members", "--agent", Url(c1));

        Assert.Equal(0, exitCode);
        Assert.Matches($@"(?m)^c2\s+127\.0\.0\.1:{ports[2]}\s+left\s+\d+$", stdout);
        Assert.Matches($@"(?m)^c0\s+127\.0\.0\.1:{ports[0]}\s+alive\s+\d+$", stdout);
        (exitCode, stdout, _) = await SidecarCli.RunAsync("status", "--agent", Url(c1));
        Assert.Equal(0, exitCode);
        var members = Assert.Single(stdout.Split('\n'), l => l.StartsWith("Members:", StringComparison.Ordinal));
        Assert.Equal(new[] { "1 left", "2 alive" }, members["Members:".Length..].Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray());
        Assert.DoesNotMatch(@"(?m)^agent:c2\s", stdout);
    }

    private static string Url(SidecarProcess agent) => $"http://127.0.0.1:{agent.Port}";

    private async Task<SidecarProcess> StartAsync(string name, int gossipPort, string? join)
    {
        string[] args = ["--node-name", name, "--gossip-bind", $"127.0.0.1:{gossipPort}", "--gossip-key", _key, .. join is null ? Array.Empty<string>() : ["--join", join]];
        var agent = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(_root, name), null, s_fast, args);
        _agents.Add(agent);
        return agent;
    }

    private static async Task<int> AliveCountAsync(SidecarProcess agent)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return body.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "alive");
    }

    private static async Task RegisterAsync(SidecarProcess agent)
    {
        using var service = await agent.Client.PostAsJsonAsync("/v4/default/registry/microservices", new { service = new { appId = "shop", serviceName = "cart", version = "1.0.0" } }, Ct);
        service.EnsureSuccessStatusCode();
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("serviceId").GetString();
        using var instance = await agent.Client.PostAsJsonAsync($"/v4/default/registry/microservices/{serviceId}/instances",
            new { instance = new { hostName = "cart-1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, Ct);
        instance.EnsureSuccessStatusCode();
    }

    private static async Task EventuallyAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.True(await condition(), "not within 30 s: " + what);
    }
}
