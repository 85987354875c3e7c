using System.Diagnostics;

namespace Sidecar.Benchmarks.Gossip;

/// <summary>One cluster of one kind, launched, measured and killed (see <see cref="SerfCompareCommand"/>).</summary>
internal static class ClusterRun
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static async Task<ClusterResult> RunAsync(ClusterKind kind, string dir, int count, TimeSpan idle, string tag)
    {
        var key = SerfCompareCommand.NewKey();
        var ports = Enumerable.Range(0, count).Select(i => new ClusterKind.Ports($"127.0.12.{i + 1}", ClusterKind.FreePort(), ClusterKind.FreePort())).ToList();
        var clock = Stopwatch.StartNew();
        var agents = new List<ClusterAgent>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                agents.Add(ClusterAgent.Start($"{i}", kind.StartInfo(i, ports[i], ports[0], key), clock, kind.Parse));
            }

            var expected = kind.ExpectedAlive(count);
            while (!agents.All(a => a.CountSeen("alive") >= expected))
            {
                if (clock.Elapsed > Timeout || agents.Any(a => a.Exited))
                {
                    Dump(kind, agents, "no full membership");
                    return new ClusterResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
                }

                await Task.Delay(10);
            }

            // Each agent's time of its expected-th "alive"; the cluster is full when the last agent is.
            var full = agents.Max(a => a.Seen.Where(s => s.Key.Event == "alive").Select(s => s.Value).Order().ElementAt(expected - 1));
            if (Environment.GetEnvironmentVariable("SERF_COMPARE_VERBOSE") is not null)
            {
                foreach (var agent in agents)
                {
                    Console.Error.WriteLine($"{kind.Name} {agent.Name}: started {agent.Seen.GetValueOrDefault(("self", "started")):F0} joined {agent.Seen.GetValueOrDefault(("self", "joined")):F0}, alive at " + string.Join(' ', agent.Seen.Where(s => s.Key.Event == "alive").Select(s => s.Value).Order().Select(v => $"{v:F0}")));
                }
            }

            var startCpu = Median(agents.Select(a => a.CpuTime().TotalMilliseconds));

            double cpuFirst = double.NaN, cpuAfter90 = double.NaN;
            if (idle > TimeSpan.Zero)
            {
                var atFull = Sample(agents, clock);
                await Until(clock, TimeSpan.FromSeconds(60));
                var at60 = Sample(agents, clock);
                await Until(clock, TimeSpan.FromSeconds(90));
                var at90 = Sample(agents, clock);
                await Until(clock, idle);
                var atEnd = Sample(agents, clock);
                cpuFirst = Rate(atFull, at60);
                cpuAfter90 = Rate(at90, atEnd);
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            var rss = Median(agents.Select(a => a.RssMiB()));
            double change;
            try
            {
                change = await kind.ChangeToAllAsync(agents, ports, tag, TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"{kind.Name}: the change failed: {ex.Message}");
                change = double.NaN;
            }

            var victim = agents[^1];
            var killedAt = clock.Elapsed.TotalMilliseconds;
            victim.Kill();
            var others = agents.Take(count - 1).ToList();
            var victimName = kind.Name == "serf" ? $"s{count - 1}" : $"c{count - 1}";
            while (!others.All(a => a.Seen.ContainsKey((victimName, "dead"))) && clock.Elapsed.TotalMilliseconds - killedAt < Timeout.TotalMilliseconds)
            {
                await Task.Delay(10);
            }

            var dead = others.All(a => a.Seen.ContainsKey((victimName, "dead")))
                ? others.Max(a => a.Seen[(victimName, "dead")]) - killedAt
                : double.NaN;
            return new ClusterResult(full, startCpu, change, dead, rss, cpuFirst, cpuAfter90);
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }
        }
    }

    private static (double AtMs, double[] CpuMs) Sample(List<ClusterAgent> agents, Stopwatch clock) =>
        (clock.Elapsed.TotalMilliseconds, [.. agents.Select(a => a.CpuTime().TotalMilliseconds)]);

    /// <summary>Median over agents of CPU ms per wall second between two samples.</summary>
    private static double Rate((double AtMs, double[] CpuMs) from, (double AtMs, double[] CpuMs) to) =>
        Median(from.CpuMs.Select((cpu, i) => (to.CpuMs[i] - cpu) / ((to.AtMs - from.AtMs) / 1000)));

    private static async Task Until(Stopwatch clock, TimeSpan at)
    {
        if (clock.Elapsed < at)
        {
            await Task.Delay(at - clock.Elapsed);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Dump(ClusterKind kind, List<ClusterAgent> agents, string what)
    {
        Console.Error.WriteLine($"{kind.Name}: {what}; alive seen per agent: {string.Join(' ', agents.Select(a => a.CountSeen("alive")))}");
        foreach (var line in agents[^1].Tail)
        {
            Console.Error.WriteLine("  " + line);
        }
    }
}
