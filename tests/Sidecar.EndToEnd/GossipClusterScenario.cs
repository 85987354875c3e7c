using System.Diagnostics;

namespace Sidecar.EndToEnd;

/// <summary>Scenario 1: five agent containers joined through one DNS name; a registration spreads; a SIGKILL removes; a restart rejoins.</summary>
public sealed class GossipClusterScenario(SidecarImage image)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveContainers_RegistrationEverywhere_KillRemoves_RestartRejoins()
    {
        image.Require();
        var total = Stopwatch.StartNew();
        await using var cluster = await AgentCluster.CreateAsync(image, "0.25", Ct);
        string[] names = ["a0", "a1", "a2", "a3", "a4"];
        var started = Stopwatch.StartNew();
        var agents = await Task.WhenAll(names.Select(n => cluster.StartAsync(n, Ct)));
        var ready = started.Elapsed;
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "five alive everywhere", async () =>
            (await Task.WhenAll(agents.Select(a => a.MembersAsync(Ct)))).All(m => m.Count(x => x.State == "alive") == 5), Ct);
        var formed = started.Elapsed;

        // A registration on one is found on all.
        var spread = Stopwatch.StartNew();
        await agents[1].RegisterAsync("orders", Ct);
        await Eventually.WaitAsync(TimeSpan.FromSeconds(10), "orders found on all five", async () =>
            (await Task.WhenAll(agents.Select(a => a.FindCountAsync("orders", Ct)))).All(c => c == 1), Ct);
        var everywhere = spread.Elapsed;

        // SIGKILL of its agent: the others declare it dead and drop its instances.
        var kill = Stopwatch.StartNew();
        await cluster.KillAsync("a1");
        var others = agents.Where(a => a.Name != "a1").ToArray();
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "a1's instance gone from the four others", async () =>
            (await Task.WhenAll(others.Select(a => a.FindCountAsync("orders", Ct)))).All(c => c == 0), Ct);
        var removed = kill.Elapsed;
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "a1 not alive at the others", async () =>
            (await Task.WhenAll(others.Select(a => a.MembersAsync(Ct)))).All(m => !m.Any(x => x.Name == "a1" && x.State == "alive")), Ct);

        // Restarted on the same volume: it rejoins, alive everywhere.
        var restart = Stopwatch.StartNew();
        var back = await cluster.StartAsync("a1", Ct);
        var backReady = restart.Elapsed;
        Agent[] all = [.. others, back];
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "a1 alive everywhere again", async () =>
            (await Task.WhenAll(all.Select(a => a.MembersAsync(Ct)))).All(m => m.Count(x => x.State == "alive") == 5), Ct);
        var rejoined = restart.Elapsed;

        Results.Add("1. Gossip cluster of 5 containers (SIDECAR_GOSSIP_TIME_SCALE=0.25)", $"5 containers started in parallel, all ready (/v1/health/ready) after {ready.TotalSeconds:F1} s, five alive everywhere after {formed.TotalSeconds:F1} s");
        Results.Add("1. Gossip cluster of 5 containers (SIDECAR_GOSSIP_TIME_SCALE=0.25)", $"registration on a1 found on all five after {everywhere.TotalMilliseconds:F0} ms");
        Results.Add("1. Gossip cluster of 5 containers (SIDECAR_GOSSIP_TIME_SCALE=0.25)", $"docker kill a1: its instance gone from the four others after {removed.TotalSeconds:F1} s");
        Results.Add("1. Gossip cluster of 5 containers (SIDECAR_GOSSIP_TIME_SCALE=0.25)", $"a1 restarted on its volume: ready after {backReady.TotalSeconds:F1} s, alive everywhere after {rejoined.TotalSeconds:F1} s");
        Results.Add("1. Gossip cluster of 5 containers (SIDECAR_GOSSIP_TIME_SCALE=0.25)", $"scenario total {total.Elapsed.TotalSeconds:F0} s");
    }
}
