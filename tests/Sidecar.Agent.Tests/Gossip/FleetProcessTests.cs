using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>
/// A fleet of real agents as injected pods run them (issue 11): one address each (127.0.0.1x, the pod IP), the same
/// gossip port, the key from a file, <c>--join</c> through one name that resolves to every pod (the headless peers
/// Service). Time scale 0.25 as in <see cref="GossipClusterTests"/>: probe 250 ms, push-pull and reconnect 7.5 s.
/// </summary>
/// <remarks>
/// The name: each agent runs in its own mount namespace (<c>unshare -rm</c>, no privilege needed where user namespaces
/// are allowed) with a private <c>/etc/hosts</c> bind-mounted over the real one, listing <c>sidecar-peers.test</c> once
/// per agent. The agent resolves it with the system resolver, unchanged (getaddrinfo returns every line), and nothing
/// is left behind: the mount dies with the process. A DNS server would need a resolver setting in the agent that
/// production does not have.
/// </remarks>
[Collection(nameof(GossipClusterTests))]
public sealed class FleetProcessTests : IAsyncDisposable
{
    private const string Registry = "/v4/default/registry";
    private const string PeersName = "sidecar-peers.test";
    private static readonly TimeSpan s_deadBound = TimeSpan.FromSeconds(12);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecar-fleet-" + Guid.NewGuid().ToString("N"));
    private readonly List<SidecarProcess> _agents = [];
    private readonly int _gossipPort = SidecarProcess.FreePort();
    private readonly string _keyFile;
    private readonly string _hostsFile;

    public FleetProcessTests()
    {
        Directory.CreateDirectory(_root);
        _keyFile = Path.Combine(_root, "gossip-key");
        File.WriteAllText(_keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        _hostsFile = Path.Combine(_root, "hosts");
        var peers = string.Concat(Enumerable.Range(0, 5).Select(i => $"{PodIp(i)} {PeersName}\n"));
        File.WriteAllText(_hostsFile, "127.0.0.1 localhost\n::1 localhost\n" + peers);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            agent.Signal("CONT");
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

    /// <summary>
    /// (a) Five agents form one cluster through one name; (d) exactly K = 2 of them pull the one remote (requests counted
    /// at the remote, by the process that holds the client socket); (b) the first one SIGKILLed and restarted with no
    /// reachable <c>--join</c> rejoins from its saved members within 10 s; then restarted on an empty data dir (nothing
    /// saved, nothing to join) it is found again by the others' reconnect to failed members.
    /// </summary>
    [Fact]
    public async Task FiveInjectedAgents_OneName_KPullers_RejoinFromSavedMembers_ReconnectToARestartedSeed()
    {
        Skip.IfNoMountNamespace();
        var pullers = new HashSet<int>();
        var pulls = 0;
        await using var remote = await FakeRemoteAsync(AgentPids, pid => { lock (pullers) { pullers.Add(pid); } Interlocked.Increment(ref pulls); });
        string[] upstream = ["--clusters", $"remote={remote.Urls.First()}", "--sync-interval", "200ms"];

        var formed = Stopwatch.StartNew();
        var agents = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => StartPodAsync(i, "n" + i, upstream)));
        await EventuallyAsync(TimeSpan.FromSeconds(20), "five agents joined through one name see five alive members", async () =>
            (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m.Count == 5));
        formed.Stop();

        // (d) After ownership settled: which agents pull, counted at the remote.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        lock (pullers)
        {
            pullers.Clear();
        }

        var before = Volatile.Read(ref pulls);
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        int[] pulling;
        lock (pullers)
        {
            pulling = [.. pullers];
        }

        Assert.True(Volatile.Read(ref pulls) - before > 0, "the remote was pulled");
        Assert.All(pulling, pid => Assert.Contains(agents, a => a.ProcessId == pid));
        Assert.Equal(2, pulling.Length);

        // (b) SIGKILL the first agent; restarted on its data dir with an unreachable --join, it rejoins through the
        // members it saved.
        agents[0].Kill();
        var others = agents[1..];
        await EventuallyAsync(s_deadBound, "the others see n0 dead", async () =>
            (await Task.WhenAll(others.Select(MembersAsync))).All(m => m.Single(x => x.Name == "n0").State == "dead"));
        var launched = Stopwatch.StartNew();
        agents[0] = await StartPodAsync(0, "n0", ["--join", $"127.0.0.99:{_gossipPort}"], joinPeers: false);
        var ready = launched.Elapsed;
        var sinceReady = Stopwatch.StartNew();
        await EventuallyAsync(TimeSpan.FromSeconds(10), "the restarted n0 is alive everywhere (from its saved members)", async () =>
            (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m.Count == 5));
        var rejoin = sinceReady.Elapsed;
        Assert.Contains("saved by the previous run", agents[0].Output, StringComparison.Ordinal);

        // A seed restarted without its data and without --join: only the others' reconnect can find it.
        agents[0].Kill();
        await EventuallyAsync(s_deadBound, "the others see n0 dead again", async () =>
            (await Task.WhenAll(others.Select(MembersAsync))).All(m => m.Single(x => x.Name == "n0").State == "dead"));
        agents[0] = await StartPodAsync(0, "n0", [], dataDir: "n0-empty", joinPeers: false);
        var sinceEmpty = Stopwatch.StartNew();
        await EventuallyAsync(TimeSpan.FromSeconds(20), "the others reconnect to the seed restarted empty", async () =>
            (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m.Count == 5));
        var reconnect = sinceEmpty.Elapsed;

        Report(string.Create(CultureInfo.InvariantCulture,
            $"fleet of 5 through one name formed in {formed.ElapsedMilliseconds} ms (processes started together); pullers of the remote: {pulling.Length} of 5; " +
            $"killed n0 restarted: ready {ready.TotalMilliseconds:F0} ms after launch, alive everywhere {rejoin.TotalMilliseconds:F0} ms after ready; " +
            $"seed restarted empty found by reconnect in {reconnect.TotalMilliseconds:F0} ms (reconnect interval 7.5 s ± 50 %, 4 peers)"));
    }

    /// <summary>
    /// (c) Two groups split both ways (SIGSTOP one, then the other, each side registering and deleting while the other
    /// was away and declared dead), then healed: they converge, deletes stay deleted, registrations are everywhere.
    /// </summary>
    [Fact]
    public async Task SplitBothWaysThenHealed_ConvergeWithoutResurrectedDeletes()
    {
        Skip.IfNoMountNamespace();
        var agents = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => StartPodAsync(i, "n" + i, [])));
        await EventuallyAsync(TimeSpan.FromSeconds(20), "five alive", async () => (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m.Count == 5));
        SidecarProcess[] a = [agents[0], agents[1], agents[2]];
        SidecarProcess[] b = [agents[3], agents[4]];
        var beforeA = await RegisterAsync(agents[1], "before-a");
        var beforeB = await RegisterAsync(agents[3], "before-b");
        await EventuallyAsync(TimeSpan.FromSeconds(5), "both registrations everywhere", async () =>
            await CountEverywhereAsync(agents, "before-a", 1) && await CountEverywhereAsync(agents, "before-b", 1));

        // Side A alone: B is frozen and declared dead; A deletes one and registers one.
        Array.ForEach(b, x => x.Signal("STOP"));
        await EventuallyAsync(s_deadBound, "A sees B dead", async () =>
            (await Task.WhenAll(a.Select(MembersAsync))).All(m => m.Where(x => x.Name is "n3" or "n4").All(x => x.State == "dead")));
        await DeleteAsync(agents[1], beforeA);
        await RegisterAsync(agents[2], "during-a");

        // Side B alone: A frozen, B resumes, declares A dead, deletes one and registers one.
        Array.ForEach(a, x => x.Signal("STOP"));
        Array.ForEach(b, x => x.Signal("CONT"));
        await EventuallyAsync(s_deadBound, "B sees A dead", async () =>
            (await Task.WhenAll(b.Select(MembersAsync))).All(m => m.Where(x => x.Name is "n0" or "n1" or "n2").All(x => x.State == "dead")));
        await DeleteAsync(agents[3], beforeB);
        await RegisterAsync(agents[4], "during-b");

        // Healed.
        Array.ForEach(a, x => x.Signal("CONT"));
        var heal = Stopwatch.StartNew();
        await EventuallyAsync(TimeSpan.FromSeconds(30), "one cluster again, with both sides' changes and no deleted instance back", async () =>
            (await Task.WhenAll(agents.Select(AliveMembersAsync))).All(m => m.Count == 5)
            && await CountEverywhereAsync(agents, "during-a", 1) && await CountEverywhereAsync(agents, "during-b", 1)
            && await CountEverywhereAsync(agents, "before-a", 0) && await CountEverywhereAsync(agents, "before-b", 0));
        var converged = heal.Elapsed;

        // And it stays so over a push-pull round (7.5 s): nothing deleted comes back.
        await Task.Delay(TimeSpan.FromSeconds(9), Ct);
        Assert.True(await CountEverywhereAsync(agents, "before-a", 0) && await CountEverywhereAsync(agents, "before-b", 0), "a deleted instance came back");
        Assert.True(await CountEverywhereAsync(agents, "during-a", 1) && await CountEverywhereAsync(agents, "during-b", 1));
        Report(string.Create(CultureInfo.InvariantCulture,
            $"split 3/2 both ways, healed: converged in {converged.TotalMilliseconds:F0} ms"));
    }

    /// <summary>
    /// (e) The preStop drain: <c>GET /v1/drain</c> on the health listener unregisters the auto-registered app; a peer
    /// stops finding it before the call returns; a second call is answered at once; the instance is not registered
    /// again while the app still answers.
    /// </summary>
    [Fact]
    public async Task Drain_PeerStopsFindingTheAppBeforeTheCallReturns()
    {
        using var app = new TcpListener(IPAddress.Loopback, 0);
        app.Start();
        var appPort = ((IPEndPoint)app.LocalEndpoint).Port;
        var healthPort = SidecarProcess.FreePort();
        var env = new Dictionary<string, string>
        {
            ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25",
            ["SIDECAR_APP_PORT"] = appPort.ToString(CultureInfo.InvariantCulture),
            ["SIDECAR_APP_ID"] = "demo",
            ["SIDECAR_SERVICE_NAME"] = "shop",
            ["SIDECAR_VERSION"] = "1.0.0",
            ["SIDECAR_APP_PROBE_INTERVAL"] = "100ms",
            ["SIDECAR_APP_DRAIN_DELAY"] = "2s",
            ["POD_NAME"] = "shop-1",
            ["POD_NAMESPACE"] = "ns",
            ["POD_IP"] = "127.0.0.1",
            ["POD_UID"] = Guid.NewGuid().ToString(),
        };
        var peerPort = SidecarProcess.FreePort();
        var peer = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(_root, "peer"), null, new Dictionary<string, string> { ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25" },
            "--node-name", "peer", "--gossip-bind", $"127.0.0.1:{peerPort}", "--gossip-key-file", _keyFile);
        _agents.Add(peer);
        var pod = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(_root, "pod"), null, env,
            "--node-name", "pod", "--gossip-bind", $"127.0.0.1:{SidecarProcess.FreePort()}", "--gossip-key-file", _keyFile,
            "--join", $"127.0.0.1:{peerPort}", "--health-listen", $"127.0.0.1:{healthPort}");
        _agents.Add(pod);
        await EventuallyAsync(TimeSpan.FromSeconds(20), "the peer finds the pod's app", async () => await FindCountAsync(peer) == 1);

        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        var drain = health.GetAsync("/v1/drain", Ct);
        TimeSpan? gone = null;
        while (!drain.IsCompleted || gone is null)
        {
            if (gone is null && await FindCountAsync(peer) == 0)
            {
                gone = clock.Elapsed;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                break;
            }

            await Task.Delay(10, Ct);
        }

        using var response = await drain;
        var returned = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(gone);
        Assert.True(gone < returned, $"the peer still found the app when the drain call returned ({returned.TotalMilliseconds:F0} ms)");
        Assert.True(returned >= TimeSpan.FromSeconds(2), "the drain call waits the drain delay");

        // Idempotent, answered at once, and not registered again while the app still answers.
        var again = Stopwatch.StartNew();
        using (var second = await health.GetAsync("/v1/drain", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.True(again.Elapsed < TimeSpan.FromSeconds(1), $"second drain took {again.ElapsedMilliseconds} ms");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(0, await FindCountAsync(pod));
        Assert.Equal(0, await FindCountAsync(peer));
        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, await pod.TerminateAsync());
        Report(string.Create(CultureInfo.InvariantCulture,
            $"drain (delay 2 s): gone at the peer after {gone!.Value.TotalMilliseconds:F0} ms, call returned after {returned.TotalMilliseconds:F0} ms; second call {again.ElapsedMilliseconds} ms; SIGTERM to exit {stopped.ElapsedMilliseconds} ms"));
    }

    /// <summary>Figures: in the test's output (detailed console logger) and as a diagnostic message.</summary>
    private static void Report(string figures)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        TestContext.Current.SendDiagnosticMessage(figures);
    }

    private int[] AgentPids()
    {
        lock (_agents)
        {
            return [.. _agents.Where(a => !a.HasExited).Select(a => a.ProcessId)];
        }
    }

    private static string PodIp(int i) => "127.0.0." + (11 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An agent as the injector starts it: pod IP, the same gossip port everywhere, key file, join through the peers
    /// name (unless <c>joinPeers</c> is false).
    /// </summary>
    private async Task<SidecarProcess> StartPodAsync(int i, string name, string[] extra, string? dataDir = null, bool joinPeers = true)
    {
        var env = new Dictionary<string, string>
        {
            ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25",
            ["POD_IP"] = PodIp(i),
            ["POD_NAME"] = name,
            ["SIDECAR_GOSSIP_KEY_FILE"] = _keyFile,
        };
        string[] args = ["--node-name", name, "--gossip-bind", $"{PodIp(i)}:{_gossipPort}", .. joinPeers ? new[] { "--join", $"{PeersName}:{_gossipPort}" } : [], .. extra];
        string[] wrapper = ["unshare", "-rm", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", _hostsFile];
        var agent = await SidecarProcess.StartWrappedAsync(wrapper, Path.Combine(_root, dataDir ?? name), null, env, args);
        lock (_agents)
        {
            _agents.Add(agent);
        }

        return agent;
    }

    /// <summary>A remote Service-Center that reports, for each request, the process id holding the client's socket.</summary>
    private static async Task<WebApplication> FakeRemoteAsync(Func<int[]> candidates, Action<int> pulledBy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var owners = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        app.MapGet("/v4/default/registry/microservices", (HttpContext context) =>
        {
            var clientPort = context.Connection.RemotePort;
            if (!owners.TryGetValue(clientPort, out var pid) && (pid = SocketOwner.ProcessOf(clientPort, context.Connection.LocalPort, candidates())) > 0)
            {
                owners[clientPort] = pid;
            }

            pulledBy(pid);
            return Results.Text("{}", "application/json");
        });
        await app.StartAsync(Ct);
        return app;
    }

    private static async Task<(string ServiceId, string InstanceId)> RegisterAsync(SidecarProcess agent, string serviceName)
    {
        using var service = await agent.Client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "shop", serviceName, version = "1.0.0" } }, Ct);
        service.EnsureSuccessStatusCode();
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("serviceId").GetString()!;
        using var instance = await agent.Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = serviceName + "-1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, Ct);
        instance.EnsureSuccessStatusCode();
        return (serviceId, (await instance.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("instanceId").GetString()!);
    }

    private static async Task DeleteAsync(SidecarProcess agent, (string ServiceId, string InstanceId) instance)
    {
        using var response = await agent.Client.DeleteAsync($"{Registry}/microservices/{instance.ServiceId}/instances/{instance.InstanceId}", Ct);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<bool> CountEverywhereAsync(IEnumerable<SidecarProcess> agents, string serviceName, int expected) =>
        (await Task.WhenAll(agents.Select(async a =>
        {
            var body = await a.Client.GetFromJsonAsync<JsonElement>($"/v1/services/{serviceName}/instances?appId=shop", Ct);
            return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
        }))).All(c => c == expected);

    private static async Task<int> FindCountAsync(SidecarProcess agent)
    {
        using var response = await agent.Client.GetAsync($"{Registry}/instances?appId=demo&serviceName=shop", Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return 0;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
    }

    private static async Task<List<(string Name, string State)>> MembersAsync(SidecarProcess agent)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return [.. body.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("state").GetString()!))];
    }

    private static async Task<List<string>> AliveMembersAsync(SidecarProcess agent) =>
        [.. (await MembersAsync(agent)).Where(m => m.State == "alive").Select(m => m.Name)];

    private static async Task EventuallyAsync(TimeSpan within, string what, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50, Ct);
        }

        Assert.True(await condition(), $"not within {within.TotalSeconds} s: {what}");
    }

    /// <summary>Skips where the test cannot give an agent its own <c>/etc/hosts</c> (no unprivileged user namespaces).</summary>
    private static class Skip
    {
        private static readonly Lazy<bool> s_available = new(() =>
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo("unshare", ["-rm", "sh", "-c", "mount --bind /etc/hosts /etc/hosts"]) { RedirectStandardError = true })!;
                probe.WaitForExit();
                return probe.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        });

        public static void IfNoMountNamespace() =>
            Assert.SkipUnless(s_available.Value, "needs `unshare -rm` (user and mount namespaces) to give the agents a private /etc/hosts");
    }
}
