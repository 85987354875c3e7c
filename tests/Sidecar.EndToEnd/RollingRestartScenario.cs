using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sidecar.EndToEnd;

/// <summary>
/// Scenario 5: the five agents restarted one by one (<c>docker stop</c>, a new container on the same volume) while apps
/// keep registering instances through their agents, heartbeating them and finding them on every agent that is up. A find
/// fails when it errors on an agent that is up, answers no instance, or misses a registration made (through an agent
/// not being restarted) over 10 s before; one that misses a registration over 2 s old is counted late. A registration is
/// lost when it is not found on all five at the end.
/// </summary>
public sealed class RollingRestartScenario(SidecarImage image)
{
    private const string Section = "5. Rolling restart under load (SIDECAR_GOSSIP_TIME_SCALE=0.25)";
    // A registration is expected on every agent that is up 2 s after it was made (late otherwise, counted), and must be
    // there within 10 s (a failed find otherwise): gossip usually takes well under a second, push-pull backs it up
    // every 7.5 s at this time scale.
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveAgentsRestartedOneByOne_UnderLoad_NoFailedFinds_NoLostRegistrations()
    {
        image.Require();
        var total = Stopwatch.StartNew();
        await using var cluster = await AgentCluster.CreateAsync(image, "0.25", Ct);
        string[] names = ["r0", "r1", "r2", "r3", "r4"];
        var started = await Task.WhenAll(names.Select(n => cluster.StartAsync(n, Ct)));
        await Eventually.WaitAsync(TimeSpan.FromSeconds(60), "five alive everywhere", async () =>
            (await Task.WhenAll(started.Select(a => a.MembersAsync(Ct)))).All(m => m.Count(x => x.State == "alive") == 5), Ct);

        // The agents the load may use now (a restarting one is absent) and since when each is undisturbed.
        var up = new ConcurrentDictionary<string, Agent>(started.ToDictionary(a => a.Name));
        var undisturbedSince = new ConcurrentDictionary<string, TimeSpan>(names.ToDictionary(n => n, _ => TimeSpan.Zero));
        var clock = Stopwatch.StartNew();
        var serviceId = "";
        foreach (var agent in started)
        {
            serviceId = await agent.RegisterServiceAsync("catalog", Ct);
        }

        var registered = new ConcurrentQueue<(string Agent, string InstanceId, TimeSpan At)>();
        foreach (var agent in started)
        {
            registered.Enqueue((agent.Name, await agent.RegisterInstanceAsync(serviceId, $"{agent.Name}-0", Ct), clock.Elapsed));
        }

        long finds = 0, lateFinds = 0, failedFinds = 0, heartbeats = 0, failedHeartbeats = 0;
        var lags = new List<TimeSpan>();

        // Since when a registration should be everywhere: its registration, or its agent's return if later.
        TimeSpan Since((string Agent, string InstanceId, TimeSpan At) r) => undisturbedSince[r.Agent] > r.At ? undisturbedSince[r.Agent] : r.At;
        var failures = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        // Registrations: a new instance every 500 ms through the next agent that is up.
        var registrar = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                var name = names[i % names.Length];
                if (up.TryGetValue(name, out var agent))
                {
                    try
                    {
                        registered.Enqueue((name, await agent.RegisterInstanceAsync(serviceId, $"{name}-{i}", stop.Token), clock.Elapsed));
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested && up.ContainsKey(name))
                    {
                        failures.Enqueue($"register through {name} failed: {ex.Message}");
                    }
                }

                await Task.Delay(500, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });

        // Heartbeats: every instance through its own agent, once a second (an agent being restarted is skipped).
        var heartbeater = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (name, id, _) in registered.ToArray())
                {
                    if (up.TryGetValue(name, out var agent))
                    {
                        Interlocked.Increment(ref heartbeats);
                        var ok = await Try(() => agent.HeartbeatAsync(serviceId, id, stop.Token));
                        if (!ok && !stop.IsCancellationRequested && up.ContainsKey(name))
                        {
                            Interlocked.Increment(ref failedHeartbeats);
                            failures.Enqueue($"heartbeat of {id} through {name} failed");
                        }
                    }
                }

                await Task.Delay(1000, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });

        // Finds: on every agent that is up, in a loop.
        var finders = names.Select(name => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (up.TryGetValue(name, out var agent))
                {
                    var asked = clock.Elapsed;
                    var expected = registered.Where(r => Since(r) < asked - Spread).ToList();
                    (HashSet<string> Ids, bool Stale, bool Ok) find = ([], false, false);
                    try
                    {
                        find = await agent.FindAsync("catalog", stop.Token);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                    }

                    // An answer from an agent being stopped meanwhile does not count.
                    if (!stop.IsCancellationRequested && up.ContainsKey(name))
                    {
                        Interlocked.Increment(ref finds);
                        var missing = expected.Where(r => !find.Ids.Contains(r.InstanceId)).ToList();
                        var overdue = missing.Where(r => Since(r) < asked - Bound).ToList();
                        if (missing.Count > 0)
                        {
                            Interlocked.Increment(ref lateFinds);
                            lock (lags)
                            {
                                lags.Add(missing.Max(r => asked - Since(r)));
                            }
                        }

                        if (!find.Ok || find.Ids.Count == 0 || overdue.Count > 0)
                        {
                            Interlocked.Increment(ref failedFinds);
                            failures.Enqueue($"find on {name} at {asked.TotalSeconds:F1} s: {(find.Ok ? $"{find.Ids.Count} instances, missing {string.Join(", ", overdue.Select(r => $"{r.InstanceId} (through {r.Agent} at {r.At.TotalSeconds:F1} s)"))}" : "failed")}");
                        }
                    }
                }

                await Task.Delay(100, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        })).ToArray();

        // The rolling restart: one agent at a time, the next once the restarted one's instances are back everywhere.
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        var restarts = new List<string>();
        var rolling = Stopwatch.StartNew();
        foreach (var name in names)
        {
            var down = Stopwatch.StartNew();
            TestContext.Current.SendDiagnosticMessage($"{clock.Elapsed.TotalSeconds:F1} s: restarting {name}");
            undisturbedSince[name] = TimeSpan.MaxValue;
            up.TryRemove(name, out _);
            await cluster.StopAsync(name);
            var agent = await cluster.StartAsync(name, Ct);
            var ready = down.Elapsed;
            up[name] = agent;
            var own = registered.Where(r => r.Agent == name).Select(r => r.InstanceId).ToList();
            await Eventually.WaitAsync(TimeSpan.FromSeconds(60), $"{name}'s {own.Count} instances back on all five", async () =>
                (await Task.WhenAll(up.Values.Select(a => a.FindAsync("catalog", Ct)))).All(f => own.All(f.Ids.Contains)), Ct);
            undisturbedSince[name] = clock.Elapsed;
            TestContext.Current.SendDiagnosticMessage($"{clock.Elapsed.TotalSeconds:F1} s: {name} back");
            restarts.Add($"{name} {ready.TotalSeconds:F1}/{down.Elapsed.TotalSeconds:F1} s");
        }

        var rolled = rolling.Elapsed;
        await Task.Delay(Spread + TimeSpan.FromSeconds(1), Ct);
        await stop.CancelAsync();
        await Task.WhenAll([registrar, heartbeater, .. finders]);

        // Nothing lost: every registration found on all five.
        var all = registered.Select(r => r.InstanceId).ToHashSet();
        await Eventually.WaitAsync(TimeSpan.FromSeconds(20), $"all {all.Count} registrations on all five", async () =>
            (await Task.WhenAll(up.Values.Select(a => a.FindAsync("catalog", Ct)))).All(f => all.IsSubsetOf(f.Ids)), Ct);

        Assert.True(failures.IsEmpty, $"{failures.Count} failures, first ones:\n{string.Join('\n', failures.Take(20))}");
        Results.Add(Section, $"rolling restart of r0..r4 (docker stop, new container on the same volume, next one once its instances are back everywhere): {rolled.TotalSeconds:F0} s; per agent ready/instances back everywhere: {string.Join(", ", restarts)}");
        Results.Add(Section, $"load during it: {all.Count} registrations (one per 500 ms), {heartbeats} heartbeats ({failedHeartbeats} failed), {finds} finds on the agents up, {failedFinds} failed (an error, no instance, or missing a registration over {Bound.TotalSeconds:F0} s old)");
        Results.Add(Section, $"late finds (missing a registration over {Spread.TotalSeconds:F0} s old, of an agent not being restarted): {lateFinds}{(lags.Count > 0 ? $", longest lag {lags.Max().TotalSeconds:F1} s" : "")}");
        Results.Add(Section, $"lost registrations: 0 of {all.Count} (all found on all five after the restart)");
        Results.Add(Section, $"scenario total {total.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<bool> Try(Func<Task<bool>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
