using System.Diagnostics;

namespace Sidecar.EndToEnd;

/// <summary>
/// Scenario 3: two of five agents cut off the gossip network (<c>docker network disconnect</c>), registrations and
/// deletions on both sides, reconnected: all five converge to one state and no deletion comes back. The API is reached
/// through a control network, so the cut agents still take requests.
/// </summary>
public sealed class PartitionScenario(SidecarImage image)
{
    private const string Section = "3. Partition and heal (SIDECAR_GOSSIP_TIME_SCALE=0.25)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoOfFiveCut_WritesOnBothSides_Reconnected_OneStateNoResurrectedDeletes()
    {
        image.Require();
        var total = Stopwatch.StartNew();
        await using var cluster = await AgentCluster.CreateAsync(image, "0.25", Ct);
        await cluster.UseControlNetworkAsync(Ct);
        string[] names = ["p0", "p1", "p2", "p3", "p4"];
        var agents = await Task.WhenAll(names.Select(n => cluster.StartAsync(n, Ct)));
        await AllAliveAsync(agents, 5, TimeSpan.FromSeconds(60));

        // Before the cut: on each side, one instance that stays and one that will be deleted during the partition.
        var serviceId = await agents[0].RegisterServiceAsync("inventory", Ct);
        var keep0 = await agents[0].RegisterInstanceAsync(serviceId, "keep-p0", Ct);
        var gone0 = await agents[0].RegisterInstanceAsync(serviceId, "gone-p0", Ct);
        Assert.Equal(serviceId, await agents[3].RegisterServiceAsync("inventory", Ct));
        var keep3 = await agents[3].RegisterInstanceAsync(serviceId, "keep-p3", Ct);
        var gone3 = await agents[3].RegisterInstanceAsync(serviceId, "gone-p3", Ct);
        await SameEverywhereAsync(agents, [keep0, gone0, keep3, gone3], TimeSpan.FromSeconds(15));

        // Cut p3 and p4 off: the three see them dead, each of the two sees everyone else dead.
        var cut = Stopwatch.StartNew();
        await cluster.DisconnectAsync("p3", cluster.Network);
        await cluster.DisconnectAsync("p4", cluster.Network);
        Agent[] majority = [agents[0], agents[1], agents[2]];
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "p3 and p4 dead at p0-p2, and alone themselves", async () =>
            (await Task.WhenAll(majority.Select(AliveCountAsync))).All(c => c == 3)
            && await AliveCountAsync(agents[3]) == 1 && await AliveCountAsync(agents[4]) == 1, Ct);
        var split = cut.Elapsed;

        // Writes on both sides while cut.
        await agents[0].DeleteInstanceAsync(serviceId, gone0, Ct);
        Assert.Equal(serviceId, await agents[1].RegisterServiceAsync("inventory", Ct));
        var new1 = await agents[1].RegisterInstanceAsync(serviceId, "new-p1", Ct);
        await agents[3].DeleteInstanceAsync(serviceId, gone3, Ct);
        Assert.Equal(serviceId, await agents[4].RegisterServiceAsync("inventory", Ct));
        var new4 = await agents[4].RegisterInstanceAsync(serviceId, "new-p4", Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        var duringMajority = (await agents[1].FindAsync("inventory", Ct)).Ids;
        Assert.True(duringMajority.SetEquals([keep0, new1]), $"p1 answered [{string.Join(',', duringMajority)}] while cut");

        // Reconnected: one state everywhere, the deleted instances not back.
        var heal = Stopwatch.StartNew();
        await cluster.ConnectAsync("p3", cluster.Network, AgentCluster.PeersAlias, "p3");
        await cluster.ConnectAsync("p4", cluster.Network, AgentCluster.PeersAlias, "p4");
        await AllAliveAsync(agents, 5, TimeSpan.FromSeconds(120));
        var members = heal.Elapsed;
        HashSet<string> expected = [keep0, new1, keep3, new4];
        await SameEverywhereAsync(agents, expected, TimeSpan.FromSeconds(60));
        var converged = heal.Elapsed;

        // And it stays so: no deletion resurfaces over the following push-pull rounds (7.5 s each at this scale).
        var watch = Stopwatch.StartNew();
        var checks = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var agent in agents)
            {
                var ids = (await agent.FindAsync("inventory", Ct)).Ids;
                Assert.True(ids.SetEquals(expected), $"{agent.Name} answered [{string.Join(',', ids)}] {watch.Elapsed.TotalSeconds:F1} s after converging; expected [{string.Join(',', expected)}]");
                checks++;
            }

            await Task.Delay(200, Ct);
        }

        Results.Add(Section, $"p3 and p4 disconnected from the gossip network: seen dead by p0-p2 (and alone themselves) after {split.TotalSeconds:F1} s");
        Results.Add(Section, $"while cut: p0 deleted gone-p0, p1 registered new-p1, p3 deleted gone-p3, p4 registered new-p4");
        Results.Add(Section, $"reconnected: five alive everywhere after {members.TotalSeconds:F1} s, the same 4 instances on all five (no gone-*) after {converged.TotalSeconds:F1} s");
        Results.Add(Section, $"then {checks} finds over 10 s: the same state everywhere, no deletion resurrected");
        Results.Add(Section, $"scenario total {total.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<int> AliveCountAsync(Agent agent) => (await agent.MembersAsync(Ct)).Count(m => m.State == "alive");

    private static Task AllAliveAsync(Agent[] agents, int count, TimeSpan within) =>
        Eventually.WaitAsync(within, $"{count} alive everywhere", async () =>
            (await Task.WhenAll(agents.Select(AliveCountAsync))).All(c => c == count), Ct);

    private static Task SameEverywhereAsync(Agent[] agents, IReadOnlyCollection<string> expected, TimeSpan within) =>
        Eventually.WaitAsync(within, $"[{string.Join(',', expected)}] on all five", async () =>
            (await Task.WhenAll(agents.Select(a => a.FindAsync("inventory", Ct)))).All(f => f.Ids.SetEquals(expected)), Ct);
}
