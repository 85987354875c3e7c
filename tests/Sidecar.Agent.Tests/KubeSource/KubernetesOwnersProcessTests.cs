using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sidecar.Agent.Tests.Gossip;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Agent.Tests.KubeSource;

/// <summary>
/// Four real gossiping <c>sidecar agent</c> processes with <c>--aggregate k8s</c>, each with its own token in its kubeconfig
/// so that the simulated API server tells them apart: only the K = 2 rendezvous owners of <c>k8s:prod-eu</c> watch,
/// every agent answers from gossip, and a SIGKILLed owner is replaced within the failure-detection time.
/// <c>SIDECAR_GOSSIP_TIME_SCALE=0.25</c> as in <see cref="GossipClusterTests"/>: suspicion timeout 1-6 s.
/// </summary>
[Collection(nameof(GossipClusterTests))]
public sealed class KubernetesOwnersProcessTests : IAsyncLifetime
{
    private const string Source = "k8s:prod-eu";
    private const int Owners = 2;

    /// <summary>Four kinds watched across all namespaces, by each owner.</summary>
    private const int WatchesPerOwner = 4;

    /// <summary>Gossip's dead bound at this time scale (GossipClusterTests: 12 s) plus a relist of the small fixture set.</summary>
    private static readonly TimeSpan s_takeoverBound = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, string> s_environment = new()
    {
        ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25",
        // The source's "records written" lines are Debug: they show what a new owner wrote.
        ["Logging__LogLevel__Sidecar.Agent.KubeSource"] = "Debug",
    };

    private readonly string _root = Directory.CreateTempSubdirectory("sidecar-k8s-owners-").FullName;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<SidecarProcess> _agents = [];
    private FakeApiServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync();
        foreach (var resource in new[] { "services", "endpointslices", "pods", "nodes" })
        {
            _server.Seed(resource, JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "KubeSource", resource + ".json")))!["items"]!.AsArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task FourAgents_OnlyTheTwoOwnersWatch_AllAnswer_KilledOwnerReplacedWithinFailureDetection()
    {
        var ports = Enumerable.Range(0, 4).Select(_ => SidecarProcess.FreePort()).ToArray();
        var agents = new SidecarProcess[4];
        agents[0] = await StartAsync(0, ports[0], join: null);
        (await Task.WhenAll(Enumerable.Range(1, 3).Select(i => StartAsync(i, ports[i], join: $"127.0.0.1:{ports[0]}")))).CopyTo(agents, 1);
        await Eventually(TimeSpan.FromSeconds(20), "all four see four alive members", async () =>
            (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m == 4));

        // Only the owners every agent agrees on hold watches: K x 4, one per kind per owner, none from the others.
        var owners = await Eventually(TimeSpan.FromSeconds(30), "the two agreed owners, and only they, watch every kind", async () =>
            await AgreedOwnersAsync(agents) is { Count: Owners } agreed && WatchersAre(agreed) ? agreed : null, () => Diagnose(agents));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.True(WatchersAre(owners), "still only the owners watch a second later: " + Describe());
        foreach (var resource in new[] { "services", "endpointslices", "pods", "nodes" })
        {
            Assert.Equal(Owners, _server.OpenWatchesOf(resource));
        }

        // Every agent, owner or not, answers with the mapped instances (non-owners through gossip).
        await Eventually(TimeSpan.FromSeconds(10), "every agent finds web's three instances", async () =>
            (await Task.WhenAll(agents.Select(a => CountAsync(a, "shop", "web")))).All(c => c == 3));

        // SIGKILL one owner: the other owner keeps watching, and a third agent takes the killed one's place once gossip
        // declares it dead.
        // (The Debug lines are on: the first owners logged what their initial sync wrote.)
        Assert.Contains(owners, o => agents[int.Parse(o[1..], System.Globalization.CultureInfo.InvariantCulture)].Output.Contains("records written", StringComparison.Ordinal));
        var victim = owners[0];
        var victimIndex = int.Parse(victim[1..], System.Globalization.CultureInfo.InvariantCulture);
        var survivors = agents.Where((_, i) => i != victimIndex).ToArray();
        var linesBefore = survivors.ToDictionary(a => a, a => a.Output.Split('\n').Length);
        agents[victimIndex].Kill();
        var clock = Stopwatch.StartNew();
        await Eventually(TimeSpan.FromSeconds(5), "the killed owner's watch connections close", () => Task.FromResult(!_server.OpenWatchesByToken().ContainsKey(victim)));
        var replacement = await Eventually(s_takeoverBound, "a new owner watches every kind again", async () =>
            await AgreedOwnersAsync(survivors) is { Count: Owners } agreed && !agreed.Contains(victim) && WatchersAre(agreed) ? agreed : null, () => Diagnose(survivors));
        var takeover = clock.Elapsed;
        var victimState = string.Join(",", await Task.WhenAll(survivors.Select(a => StateOfAsync(a, victim))));
        await Eventually(s_takeoverBound, "every survivor has declared the killed owner dead", async () =>
            (await Task.WhenAll(survivors.Select(a => StateOfAsync(a, victim)))).All(s => s == "dead"));
        var dead = clock.Elapsed;
        var newOwner = replacement.Single(o => !owners.Contains(o));
        var newAgent = agents[int.Parse(newOwner[1..], System.Globalization.CultureInfo.InvariantCulture)];

        // The new owner relisted every kind; the records it already had from gossip were not rewritten.
        Assert.True(_server.ListsBy(newOwner) >= WatchesPerOwner, $"{newOwner} listed");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var newLines = newAgent.Output.Split('\n').Skip(linesBefore[newAgent]).ToList();
        Assert.Contains(newLines, l => l.Contains($"{Source}: this agent is an owner", StringComparison.Ordinal));
        Assert.DoesNotContain(newLines, l => l.Contains("records written", StringComparison.Ordinal));

        // And it applies what changes from now on: a pod leaves web, every survivor sees it.
        var slice = _server.Get("endpointslices", "default", "web-m3n5t");
        slice["endpoints"] = new JsonArray(slice["endpoints"]![1]!.DeepClone());
        _server.Modify("endpointslices", slice);
        await Eventually(TimeSpan.FromSeconds(10), "every survivor finds web's two remaining instances", async () =>
            (await Task.WhenAll(survivors.Select(a => CountAsync(a, "shop", "web")))).All(c => c == 2));
        TestContext.Current.SendDiagnosticMessage($"owners {string.Join(",", owners)}; killed {victim}; {newOwner} watching every kind {takeover.TotalMilliseconds:F0} ms after the SIGKILL "
            + $"(the survivors saw {victim} as {victimState} then); {victim} dead everywhere after {dead.TotalMilliseconds:F0} ms");
    }

    private async Task<SidecarProcess> StartAsync(int index, int gossipPort, string? join)
    {
        var name = "n" + index;
        var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        var kubeconfig = _server.WriteKubeconfig(dir, token: name);
        string[] args =
        [
            "--node-name", name, "--gossip-bind", $"127.0.0.1:{gossipPort}", "--gossip-key", _key, .. join is null ? Array.Empty<string>() : ["--join", join],
            "--cluster-name", "prod-eu", "--aggregate", "k8s", "--kubeconfig", kubeconfig, "--sync-interval", "500ms",
        ];
        var agent = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(dir, "data"), null, s_environment, args);
        _agents.Add(agent);
        return agent;
    }

    /// <summary>True when exactly <paramref name="owners"/> hold watches, each one per kind.</summary>
    private bool WatchersAre(List<string> owners)
    {
        var byToken = _server.OpenWatchesByToken();
        return byToken.Count == owners.Count && owners.All(o => byToken.GetValueOrDefault(o) == WatchesPerOwner);
    }

    private string Describe() => string.Join(", ", _server.OpenWatchesByToken().Select(p => $"{p.Key}: {p.Value}"));

    /// <summary>The owners of the source if every agent names the same ones, else null.</summary>
    private static async Task<List<string>?> AgreedOwnersAsync(IEnumerable<SidecarProcess> agents)
    {
        var views = await Task.WhenAll(agents.Select(async a =>
        {
            var body = await a.Client.GetFromJsonAsync<JsonElement>("/v1/sources", Ct);
            var source = body.GetProperty("sources").EnumerateArray().FirstOrDefault(s => s.GetProperty("source").GetString() == Source);
            return source.ValueKind == JsonValueKind.Object
                ? string.Join(",", source.GetProperty("owners").EnumerateArray().Select(o => o.GetString()).Order(StringComparer.Ordinal))
                : "";
        }));
        return views.Distinct().Count() == 1 && views[0].Length > 0 ? [.. views[0].Split(',')] : null;
    }

    private static async Task<int> AliveMembersAsync(SidecarProcess agent)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return body.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "alive");
    }

    private static async Task<string> StateOfAsync(SidecarProcess agent, string member)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return body.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("name").GetString() == member).GetProperty("state").GetString()!;
    }

    private static async Task<int> CountAsync(SidecarProcess agent, string appId, string serviceName)
    {
        using var response = await agent.Client.GetAsync($"/v4/default/registry/instances?appId={appId}&serviceName={serviceName}&version=latest", Ct);
        return response.IsSuccessStatusCode ? AgentServer.Instances(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone()).Count : -1;
    }

    /// <summary>What the agents and the server say, for a failure message.</summary>
    private async Task<string> Diagnose(IEnumerable<SidecarProcess> agents)
    {
        var views = await Task.WhenAll(agents.Select(a => a.Client.GetStringAsync("/v1/sources", Ct)));
        var logs = agents.Select(a => string.Join("\n", a.Output.Split('\n').Where(l => l.Contains("k8s", StringComparison.Ordinal) || l.Contains("Watch", StringComparison.Ordinal)).TakeLast(15)));
        return $"watches by token: {Describe()}\nsources: {string.Join("\n", views)}\nlogs:\n{string.Join("\n---\n", logs)}";
    }

    private static async Task Eventually(TimeSpan within, string what, Func<Task<bool>> condition) =>
        await Eventually<object>(within, what, async () => await condition() ? new object() : null);

    private static async Task<T> Eventually<T>(TimeSpan within, string what, Func<Task<T?>> probe, Func<Task<string>>? diagnose = null)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (watch.Elapsed >= within)
            {
                Assert.Fail($"not within {within.TotalSeconds} s: {what}" + (diagnose is null ? "" : "\n" + await diagnose()));
            }

            await Task.Delay(25, Ct);
        }
    }
}
