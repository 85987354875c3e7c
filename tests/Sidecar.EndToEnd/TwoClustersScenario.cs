using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sidecar.EndToEnd;

/// <summary>
/// Scenario 4, the seed's two clusters: one network per cluster, each with an agent standing as its Service-Center
/// (sc1, sc2) and an app agent (client, server) mirroring its app's registrations into it (<c>--registry-upstream</c>).
/// A third network, "wan", carries what crosses clusters: the two Service-Centers, and the client's agent's pulls of sc2
/// (<c>--clusters sc2=http://sc2:30100</c>); the server's agent is on cluster 2's network only.
/// </summary>
public sealed class TwoClustersScenario(SidecarImage image)
{
    private const string Section = "4. The seed's two clusters (standalone agents, --sync-interval 1s)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientFindsServerAcrossClusters_Sc2Killed_StaleAlsoAfterRestart_Sc2Back_Fresh()
    {
        image.Require();
        var total = Stopwatch.StartNew();
        await using var lab = await AgentCluster.CreateAsync(image, "1", Ct);
        var cluster1 = lab.Network;
        var cluster2 = await lab.AddNetworkAsync("c2", Ct);
        var wan = await lab.AddNetworkAsync("wan", Ct);
        string[] sync = ["--sync-interval", "1s"];
        string[] clientArgs = ["--cluster-name", "sc1", "--registry-upstream", "http://sc1:30100", "--clusters", "sc2=http://sc2:30100", .. sync];

        async Task<Agent> StartSc2Async()
        {
            var agent = await lab.StartAsync("sc2", cluster2, ["sc2"], ["--cluster-name", "sc2", .. sync], Ct);
            await lab.ConnectAsync("sc2", wan, "sc2");
            return agent;
        }

        async Task<Agent> StartClientAsync()
        {
            var agent = await lab.StartAsync("client", cluster1, ["client"], clientArgs, Ct);
            await lab.ConnectAsync("client", wan);
            return agent;
        }

        var scs = await Task.WhenAll(
            StartSc2Async(),
            Task.Run(async () =>
            {
                var agent = await lab.StartAsync("sc1", cluster1, ["sc1"], ["--cluster-name", "sc1", "--clusters", "sc2=http://sc2:30100", .. sync], Ct);
                await lab.ConnectAsync("sc1", wan, "sc1");
                return agent;
            }, Ct));
        var (sc2, sc1) = (scs[0], scs[1]);
        var apps = await Task.WhenAll(
            lab.StartAsync("server", cluster2, ["server"], ["--cluster-name", "sc2", "--registry-upstream", "http://sc2:30100", .. sync], Ct),
            StartClientAsync());
        var (server, client) = (apps[0], apps[1]);

        // Only the Service-Centers cross: from the client's container sc2 resolves, the server's agent does not.
        Assert.True((await ExecAsync(lab, "client", "getent", "hosts", "sc2")).Code == 0, "sc2 not reachable from cluster 1");
        Assert.True((await ExecAsync(lab, "client", "getent", "hosts", "server")).Code != 0, "cluster 2's app agent resolves from cluster 1");

        // The server registers with its agent; the client's agent finds it through sc2.
        var registered = Stopwatch.StartNew();
        var (_, serverInstance) = await server.RegisterAsync("Server", Ct);
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "Server mirrored into sc2", async () => (await sc2.FindAsync("Server", Ct)).Ids.Contains(serverInstance), Ct);
        var mirrored = registered.Elapsed;
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "the client's agent finds Server, fresh", async () =>
        {
            var find = await client.FindAsync("Server", Ct);
            return find.Ids.SetEquals([serverInstance]) && !find.Stale;
        }, Ct);
        var found = registered.Elapsed;
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "sc1 aggregates Server from sc2", async () => (await sc1.FindAsync("Server", Ct)).Ids.Contains(serverInstance), Ct);
        Assert.Equal("sc2", await ClusterOfAsync(client, "Server"));

        // sc2 killed: the client keeps its answer, marked stale.
        var killed = Stopwatch.StartNew();
        await lab.KillAsync("sc2");
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "the client's answer turns stale, Server kept", async () =>
        {
            var find = await client.FindAsync("Server", Ct);
            return find.Ids.SetEquals([serverInstance]) && find.Stale;
        }, Ct);
        var staleAfter = killed.Elapsed;
        Assert.Equal("stale", await SourceStateAsync(client, "sc:sc2"));

        // The client's own agent crashes and restarts on its volume while sc2 is still down: same answer, still stale.
        await lab.KillAsync("client");
        var restart = Stopwatch.StartNew();
        client = await StartClientAsync();
        var afterRestart = await client.FindAsync("Server", Ct);
        var restartReady = restart.Elapsed;
        Assert.True(afterRestart.Ids.SetEquals([serverInstance]), $"after the restart the client's agent answered [{string.Join(',', afterRestart.Ids)}]");
        Assert.True(afterRestart.Stale, "the persisted copy was served without X-Sidecar-Stale: true");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var later = await client.FindAsync("Server", Ct);
        Assert.True(later.Ids.SetEquals([serverInstance]) && later.Stale, "3 s after the restart the answer changed");

        // sc2 back on its volume: fresh again.
        var back = Stopwatch.StartNew();
        await StartSc2Async();
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "the client's answer fresh again", async () =>
        {
            var find = await client.FindAsync("Server", Ct);
            return find.Ids.SetEquals([serverInstance]) && !find.Stale;
        }, Ct);
        var fresh = back.Elapsed;
        Assert.Equal("fresh", await SourceStateAsync(client, "sc:sc2"));

        Results.Add(Section, $"networks: cluster 1 (sc1, client), cluster 2 (sc2, server), wan (sc1, sc2, and the client's agent for its pulls of sc2); 'server' does not resolve from the client's container");
        Results.Add(Section, $"Server registered with its agent: in sc2 after {mirrored.TotalSeconds:F1} s, found fresh by the client's agent (cluster=sc2) after {found.TotalSeconds:F1} s");
        Results.Add(Section, $"docker kill sc2: the client's answer kept (1 instance) and marked X-Sidecar-Stale: true after {staleAfter.TotalSeconds:F1} s, source sc:sc2 stale");
        Results.Add(Section, $"docker kill of the client's agent, restarted on its volume: ready in {restartReady.TotalSeconds:F1} s, the first find answers the instance, stale; same 3 s later");
        Results.Add(Section, $"sc2 restarted on its volume: the client's answer fresh again {fresh.TotalSeconds:F1} s after the start began (image start and readiness included)");
        Results.Add(Section, $"scenario total {total.Elapsed.TotalSeconds:F0} s");
    }

    private static Task<(int Code, string Output)> ExecAsync(AgentCluster lab, string name, params string[] command) =>
        DockerCli.RunAsync(["exec", lab.Agents[name].Container.Id, .. command], TimeSpan.FromSeconds(30));

    private static async Task<string?> ClusterOfAsync(Agent agent, string serviceName)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>($"{Agent.Registry}/instances?appId=shop&serviceName={serviceName}", Ct);
        return body.GetProperty("instances")[0].GetProperty("properties").GetProperty("cluster").GetString();
    }

    private static async Task<string?> SourceStateAsync(Agent agent, string source)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/sources", Ct);
        return body.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source").GetString() == source).GetProperty("state").GetString();
    }
}
