using System.Diagnostics;

namespace Sidecar.EndToEnd;

/// <summary>
/// Scenario 2, at production gossip timing (time scale 1): a 2 s <c>docker pause</c> is survived with no dead
/// declaration anywhere; a pause held until the others declare the node dead drops its instances, and after unpause it
/// refutes and its instances come back.
/// </summary>
public sealed class StallScenario(SidecarImage image)
{
    private const string Section = "2. Stall: docker pause (SIDECAR_GOSSIP_TIME_SCALE=1, production timing)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShortPause_NoDeadDeclaration_LongPause_DeadThenRefutesAndComesBack()
    {
        image.Require();
        var total = Stopwatch.StartNew();
        await using var cluster = await AgentCluster.CreateAsync(image, "1", Ct);
        string[] names = ["s0", "s1", "s2", "s3", "s4"];
        var agents = await Task.WhenAll(names.Select(n => cluster.StartAsync(n, Ct)));
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "five alive everywhere", async () =>
            (await Task.WhenAll(agents.Select(a => a.MembersAsync(Ct)))).All(m => m.Count(x => x.State == "alive") == 5), Ct);
        await agents[2].RegisterAsync("payments", Ct);
        var others = agents.Where(a => a.Name != "s2").ToArray();
        await Eventually.WaitAsync(TimeSpan.FromSeconds(15), "payments found on all five", async () =>
            (await Task.WhenAll(agents.Select(a => a.FindCountAsync("payments", Ct)))).All(c => c == 1), Ct);

        // 2 s frozen: watched during the pause and 8 s after, nobody may call s2 dead or lose its instance.
        var shortPause = Stopwatch.StartNew();
        await cluster.PauseAsync("s2", pause: true);
        var stall = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 2 - shortPause.Elapsed.TotalSeconds)), Ct);
            var frozenFor = shortPause.Elapsed;
            await cluster.PauseAsync("s2", pause: false);
            return frozenFor;
        }, Ct);
        var worst = "alive";
        while (shortPause.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var other in others)
            {
                var state = (await other.MembersAsync(Ct)).Single(m => m.Name == "s2").State;
                Assert.True(state != "dead", $"{other.Name} declared s2 dead {shortPause.Elapsed.TotalSeconds:F1} s after a 2 s pause began");
                worst = state == "alive" ? worst : state;
                Assert.Equal(1, await other.FindCountAsync("payments", Ct));
            }

            await Task.Delay(100, Ct);
        }

        var shortFrozen = await stall;

        // Frozen for 60 s: all four others declare it dead and drop its instance (time recorded), then unpaused at 60 s.
        var pausedAt = Stopwatch.StartNew();
        await cluster.PauseAsync("s2", pause: true);
        await Eventually.WaitAsync(TimeSpan.FromSeconds(58), "s2 dead at the four others, its instance dropped", async () =>
            (await Task.WhenAll(others.Select(async a => (await a.MembersAsync(Ct)).Single(m => m.Name == "s2").State == "dead" && await a.FindCountAsync("payments", Ct) == 0))).All(x => x), Ct);
        var dead = pausedAt.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 60 - pausedAt.Elapsed.TotalSeconds)), Ct);
        var pausedFor = pausedAt.Elapsed;
        var unpause = Stopwatch.StartNew();
        await cluster.PauseAsync("s2", pause: false);
        await Eventually.WaitAsync(TimeSpan.FromSeconds(30), "s2 alive again everywhere and its instance back", async () =>
            (await Task.WhenAll(others.Select(async a => (await a.MembersAsync(Ct)).Single(m => m.Name == "s2").State == "alive" && await a.FindCountAsync("payments", Ct) == 1))).All(x => x), Ct);
        var back = unpause.Elapsed;

        Results.Add(Section, $"timings: memberlist's LAN profile unscaled: probe every 1 s, probe timeout 0.5 s, suspicion timeout for 5 members 4 s (minimum) to 24 s (start, shrinking with confirmations); at the 0.25 scale of the other scenarios the minimum would be 1 s, shorter than the 2 s pause");
        Results.Add(Section, $"2 s pause of s2 ({shortFrozen.TotalSeconds:F2} s measured): never dead at the four others over 10 s of watching (worst state seen: {worst}), its instance found throughout");
        Results.Add(Section, $"60 s pause of s2 ({pausedFor.TotalSeconds:F1} s measured): dead and its instance dropped at all four others {dead.TotalSeconds:F1} s into the pause");
        Results.Add(Section, $"unpause: s2 alive everywhere with its instance back after {back.TotalSeconds:F1} s");
        Results.Add(Section, $"scenario total {total.Elapsed.TotalSeconds:F0} s");
    }
}
