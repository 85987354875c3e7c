using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>
/// Real <c>sidecar agent</c> processes gossiping on loopback. They run with <c>SIDECAR_GOSSIP_TIME_SCALE=0.25</c>:
/// probe every 250 ms, probe timeout 125 ms, gossip every 50 ms, push-pull every 7.5 s, so with 5 members the
/// suspicion timeout runs from 1 s (with two independent confirmations) to 6 s (none).
/// </summary>
/// <remarks>Runs alone (not in parallel with other test classes): its timing bounds need the CPU.</remarks>
[Collection(nameof(GossipClusterTests))]
public sealed class GossipClusterTests : IAsyncDisposable
{
    private const string Registry = "/v4/default/registry";

    /// <summary>Suspicion max (6 × 4 × 250 ms) + a probe round + dissemination and merge, with slack for a loaded machine.</summary>
    private static readonly TimeSpan s_deadBound = TimeSpan.FromSeconds(12);

    private static readonly Dictionary<string, string> s_fast = new() { ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25" };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecar-gossip-" + Guid.NewGuid().ToString("N"));
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<SidecarProcess> _agents = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>P7: with gossip on, only the K = 2 owners of <c>sc:remote</c> pull it, however many agents run.</summary>
    [Fact]
    public async Task FiveAgentsWithOneUpstream_OnlyTheTwoOwnersPullIt()
    {
        var pulls = 0;
        var remote = WebApplication.CreateSlimBuilder();
        remote.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = remote.Build();
        app.MapGet("/v4/default/registry/microservices", () =>
        {
            Interlocked.Increment(ref pulls);
            return Results.Text("{}", "application/json");
        });
        await app.StartAsync(Ct);
        var remoteUrl = app.Urls.First();

        var ports = Enumerable.Range(0, 5).Select(_ => SidecarProcess.FreePort()).ToArray();
        string[] upstream = ["--clusters", $"remote={remoteUrl}", "--sync-interval", "200ms"];
        var agents = new List<SidecarProcess> { await StartAsync("u0", null, ports[0], _key, null, upstream) };
        agents.AddRange(await Task.WhenAll(Enumerable.Range(1, 4).Select(i => StartAsync("u" + i, null, ports[i], _key, $"127.0.0.1:{ports[0]}", upstream))));
        await EventuallyAsync(TimeSpan.FromSeconds(20), "all five see five alive members", async () =>
            (await Task.WhenAll(agents.Select(a => AliveMembersAsync(a)))).All(m => m.Count == 5));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);

        var before = Volatile.Read(ref pulls);
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        var during = Volatile.Read(ref pulls) - before;

        // 4 s at one pull per 200 ms is 20 pulls per puller: two owners make about 40, five agents would make 100.
        // A loaded machine only pulls less, so the upper bound is the claim; the lower one says pulling happened.
        Assert.InRange(during, 1, 60);
        var owners = new HashSet<string>();
        foreach (var agent in agents)
        {
            var sources = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/sources", Ct);
            var remoteSource = sources.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source").GetString() == "sc:remote");
            owners.UnionWith(remoteSource.GetProperty("owners").EnumerateArray().Select(o => o.GetString()!));
        }

        Assert.Equal(2, owners.Count);
    }

    [Fact]
    public async Task FiveAgents_RegisterKillRestart_SpreadDropAndRejoin()
    {
        var ports = Enumerable.Range(0, 5).Select(_ => SidecarProcess.FreePort()).ToArray();
        var http = Enumerable.Range(0, 5).Select(_ => SidecarProcess.FreePort()).ToArray();
        var agents = new SidecarProcess[5];
        agents[0] = await StartAsync("n0", http[0], ports[0], _key, join: null);
        var rest = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => StartAsync("n" + i, http[i], ports[i], _key, join: $"127.0.0.1:{ports[0]}")));
        rest.CopyTo(agents, 1);
        await EventuallyAsync(TimeSpan.FromSeconds(20), "all five see five alive members", async () =>
            (await Task.WhenAll(agents.Select(a => AliveMembersAsync(a)))).All(m => m.Count == 5));

        // A registration through one agent is found through all within 3 s.
        await RegisterAsync(agents[2], "shop", "cart");
        var spread = Stopwatch.StartNew();
        await EventuallyAsync(TimeSpan.FromSeconds(3), "the instance registered through n2 is found through every agent", async () =>
            (await Task.WhenAll(agents.Select(a => CountInstancesAsync(a, "shop", "cart")))).All(c => c == 1));
        spread.Stop();

        // SIGKILL of one removes its instances from the others within the suspicion bound.
        await RegisterAsync(agents[4], "shop", "victim");
        await EventuallyAsync(TimeSpan.FromSeconds(3), "the victim's instance is everywhere", async () =>
            (await Task.WhenAll(agents.Select(a => CountInstancesAsync(a, "shop", "victim")))).All(c => c == 1));
        var incarnationBefore = (await MembersAsync(agents[0])).Single(m => m.Name == "n4").Incarnation;
        agents[4].Kill();
        var dead = Stopwatch.StartNew();
        var survivors = agents[..4];
        await EventuallyAsync(s_deadBound, "the killed agent's instance is gone from every survivor", async () =>
            (await Task.WhenAll(survivors.Select(a => CountInstancesAsync(a, "shop", "victim")))).All(c => c == 0));
        dead.Stop();
        Assert.All(await Task.WhenAll(survivors.Select(a => MembersAsync(a))), members => Assert.Equal("dead", members.Single(m => m.Name == "n4").State));
        Assert.All(await Task.WhenAll(survivors.Select(a => CountInstancesAsync(a, "shop", "cart"))), c => Assert.Equal(1, c));

        // It restarts on its data dir, rejoins with a higher incarnation and re-announces its records.
        agents[4] = await StartAsync("n4", http[4], ports[4], _key, join: $"127.0.0.1:{ports[0]}");
        await EventuallyAsync(TimeSpan.FromSeconds(10), "the restarted agent is alive everywhere and its instance is back", async () =>
            (await Task.WhenAll(agents.Select(a => AliveMembersAsync(a)))).All(m => m.Count == 5)
            && (await Task.WhenAll(agents.Select(a => CountInstancesAsync(a, "shop", "victim")))).All(c => c == 1));
        Assert.True((await MembersAsync(agents[0])).Single(m => m.Name == "n4").Incarnation > incarnationBefore);

        // A graceful stop leaves the cluster: the others see it left, and its records go, at once.
        await RegisterAsync(agents[3], "shop", "leaver");
        await EventuallyAsync(TimeSpan.FromSeconds(3), "the leaver's instance is everywhere", async () =>
            (await Task.WhenAll(agents.Select(a => CountInstancesAsync(a, "shop", "leaver")))).All(c => c == 1));
        Assert.Equal(0, await agents[3].TerminateAsync());
        var remaining = new[] { agents[0], agents[1], agents[2], agents[4] };
        await EventuallyAsync(TimeSpan.FromSeconds(2), "the others see n3 left and drop its instance", async () =>
            (await Task.WhenAll(remaining.Select(a => MembersAsync(a)))).All(m => m.Single(x => x.Name == "n3").State == "left")
            && (await Task.WhenAll(remaining.Select(a => CountInstancesAsync(a, "shop", "leaver")))).All(c => c == 0));
        TestContext.Current.SendDiagnosticMessage($"spread to 5 agents in {spread.ElapsedMilliseconds} ms; dead agent's instance dropped everywhere in {dead.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task WrongKeyGarbageAndDuplicateName_ChangeNothing()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => SidecarProcess.FreePort()).ToArray();
        var agents = new SidecarProcess[3];
        agents[0] = await StartAsync("n0", null, ports[0], _key, join: null);
        agents[1] = await StartAsync("n1", null, ports[1], _key, join: $"127.0.0.1:{ports[0]}");
        agents[2] = await StartAsync("n2", null, ports[2], _key, join: $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}");
        await EventuallyAsync(TimeSpan.FromSeconds(20), "all three see three alive members", async () =>
            (await Task.WhenAll(agents.Select(a => AliveMembersAsync(a)))).All(m => m.Count == 3));
        await RegisterAsync(agents[0], "shop", "cart");
        await EventuallyAsync(TimeSpan.FromSeconds(3), "the instance is everywhere", async () =>
            (await Task.WhenAll(agents.Select(a => CountInstancesAsync(a, "shop", "cart")))).All(c => c == 1));

        // An agent with the wrong key never joins and changes nothing.
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var intruder = await StartAsync("intruder", null, SidecarProcess.FreePort(), wrongKey, join: $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}");
        await RegisterAsync(intruder, "shop", "cart");
        await RegisterAsync(intruder, "shop", "evil");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal(["intruder"], await AliveMembersAsync(intruder));
        foreach (var agent in agents)
        {
            Assert.Equal(["n0", "n1", "n2"], await AliveMembersAsync(agent));
            Assert.Equal(1, await CountInstancesAsync(agent, "shop", "cart"));
            Assert.Equal(0, await CountInstancesAsync(agent, "shop", "evil"));
        }

        Assert.True(await CounterAsync(agents[0], "authFailures") > 0, "agent n0 counted the intruder's packets");
        await intruder.DisposeAsync();

        // Random UDP and TCP garbage at a gossip port changes nothing.
        var target = new IPEndPoint(IPAddress.Loopback, ports[1]);
        var random = new Random(11);
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            for (var i = 0; i < 2_000; i++)
            {
                var bytes = new byte[random.Next(1, 1500)];
                random.NextBytes(bytes);
                await udp.SendAsync(bytes, target, Ct);
            }
        }

        for (var i = 0; i < 30; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(target, Ct);
                var bytes = new byte[random.Next(1, 20_000)];
                random.NextBytes(bytes);
                if (i % 3 == 0)
                {
                    bytes[0] = 0x7F; // claims a huge message
                }

                await tcp.GetStream().WriteAsync(bytes, Ct);
            }
            catch (IOException)
            {
                // The agent may close the connection early (rate limit, size limit): that is the point.
            }
            catch (SocketException)
            {
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.True(await CounterAsync(agents[1], "authFailures") > 0);
        foreach (var agent in agents)
        {
            Assert.Equal(["n0", "n1", "n2"], await AliveMembersAsync(agent));
            Assert.Equal(1, await CountInstancesAsync(agent, "shop", "cart"));
        }

        // A second agent under a name a live member holds is refused with a clear error.
        var (exitCode, output) = await SidecarProcess.RunToExitAsync(Path.Combine(_root, "dup"), s_fast,
            "--node-name", "n1", "--gossip-bind", $"127.0.0.1:{SidecarProcess.FreePort()}", "--gossip-key", _key, "--join", $"127.0.0.1:{ports[0]}");
        Assert.Equal(2, exitCode);
        Assert.Contains("already held by a live agent", output, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        foreach (var agent in agents)
        {
            Assert.Equal(["n0", "n1", "n2"], await AliveMembersAsync(agent));
        }
    }

    [Fact]
    public async Task GossipWithoutKey_RefusesToStartWithOneLine()
    {
        var (exitCode, output) = await SidecarProcess.RunToExitAsync(Path.Combine(_root, "nokey"), null, "--gossip-bind", $"127.0.0.1:{SidecarProcess.FreePort()}");

        Assert.Equal(2, exitCode);
        Assert.Equal("sidecar: gossip needs a cluster key: set --gossip-key <base64 32 bytes> or --gossip-key-file <path> (generate one with: head -c 32 /dev/urandom | base64)", output.Trim());
    }

    private async Task<SidecarProcess> StartAsync(string name, int? httpPort, int gossipPort, string key, string? join, params string[] extra)
    {
        string[] args = ["--node-name", name, "--gossip-bind", $"127.0.0.1:{gossipPort}", "--gossip-key", key, .. join is null ? Array.Empty<string>() : ["--join", join], .. extra];
        var agent = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(_root, name), httpPort, s_fast, args);
        _agents.Add(agent);
        return agent;
    }

    private static async Task RegisterAsync(SidecarProcess agent, string appId, string serviceName)
    {
        using var service = await agent.Client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId, serviceName, version = "1.0.0" } }, Ct);
        service.EnsureSuccessStatusCode();
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("serviceId").GetString();
        using var instance = await agent.Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = serviceName + "-1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, Ct);
        instance.EnsureSuccessStatusCode();
    }

    private static async Task<int> CountInstancesAsync(SidecarProcess agent, string appId, string serviceName)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>($"/v1/services/{serviceName}/instances?appId={appId}", Ct);
        return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
    }

    private static async Task<List<(string Name, string State, uint Incarnation)>> MembersAsync(SidecarProcess agent)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return [.. body.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("state").GetString()!, m.GetProperty("incarnation").GetUInt32()))];
    }

    private static async Task<List<string>> AliveMembersAsync(SidecarProcess agent) =>
        [.. (await MembersAsync(agent)).Where(m => m.State == "alive").Select(m => m.Name).Order(StringComparer.Ordinal)];

    private static async Task<long> CounterAsync(SidecarProcess agent, string name) =>
        (await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct)).GetProperty("counters").GetProperty(name).GetInt64();

    private static async Task EventuallyAsync(TimeSpan within, string what, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25, Ct);
        }

        Assert.True(await condition(), $"not within {within.TotalSeconds} s: {what}");
    }
}

/// <summary>Keeps the multi-process gossip tests away from the other process tests.</summary>
[CollectionDefinition(nameof(GossipClusterTests), DisableParallelization = true)]
public sealed class GossipClusterCollection;
