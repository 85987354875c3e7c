using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Sidecar.Benchmarks.Gossip;

/// <summary>
/// Sidecar beside HashiCorp Serf (memberlist with Lifeguard), same run, N agents of each on loopback (127.0.12.x, one address per agent like one IP per pod), gossip encrypted
/// with the same 32-byte key; one cluster at a time (launching N processes saturates the 2 cores), the order of the
/// two alternating per run. Per cluster: launch all N (all join agent 0) → full membership (every agent has seen every
/// other alive, from its own log line: Serf's EventMemberJoin, the agent's event 2220) → idle (CPU per agent from
/// /proc) → a change at agent 0 until every agent has it (Serf: a user event; sidecar: a registered instance, found
/// through every agent's HTTP API) → SIGKILL of the last agent until every other one logs it dead (EventMemberFailed,
/// event 2220) → everything killed.
/// </summary>
internal static class SerfCompareCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var agentCounts = new List<int> { 10, 20 };
        var runs = 3;
        var idleSeconds = 120;
        var idleAgents = 20;
        var sidecar = Environment.GetEnvironmentVariable("SIDECAR_AGENT") ?? "/tmp/serf12-native/sidecar";
        var serf = "serf";
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--agents": agentCounts = [.. args[++i].Split(',').Select(int.Parse)]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--idle-seconds": idleSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--idle-agents": idleAgents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--sidecar": sidecar = args[++i]; break;
                case "--serf": serf = args[++i]; break;
                case "--only": only = args[++i]; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        var root = Directory.CreateTempSubdirectory("serf-compare").FullName;
        var results = new List<(int Agents, string Kind, ClusterResult Result)>();
        try
        {
            for (var run = 0; run < runs; run++)
            {
                foreach (var agents in agentCounts)
                {
                    ClusterKind[] kinds = [new ClusterKind.Serf(root, serf), new ClusterKind.Sidecar(root, Path.GetFullPath(sidecar))];
                    if (run % 2 == 1)
                    {
                        Array.Reverse(kinds);
                    }

                    foreach (var kind in kinds.Where(k => only is null || k.Name == only))
                    {
                        var dir = Path.Combine(root, $"{kind.Name}-{agents}-{run}");
                        Directory.CreateDirectory(dir);
                        var idle = agents == idleAgents ? TimeSpan.FromSeconds(idleSeconds) : TimeSpan.Zero;
                        var result = await ClusterRun.RunAsync(kind, dir, agents, idle, $"bench{run}x{agents}");
                        Console.Error.WriteLine($"run {run} {kind.Name} N={agents}: {result} (load {File.ReadAllText("/proc/loadavg").Trim()})");
                        results.Add((agents, kind.Name, result));
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Report(results);
        return 0;
    }

    private static void Report(List<(int Agents, string Kind, ClusterResult Result)> results)
    {
        Console.WriteLine("| N | | runs | launch to full membership, s | CPU per agent to full membership, ms | change to all, s | dead everywhere, s | RSS per agent, MiB | idle CPU per agent, full membership to 60 s, ms/s | idle CPU per agent after 90 s, ms/s |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Agents, r.Kind)))
        {
            var rs = group.Select(g => g.Result).ToList();
            Console.WriteLine($"| {group.Key.Agents} | {group.Key.Kind} | {rs.Count} | {Cell(rs, r => r.FullMembershipMs / 1000, "F2")} | {Cell(rs, r => r.StartCpuMs, "F0")} | " +
                $"{Cell(rs, r => r.ChangeMs / 1000, "F2")} | {Cell(rs, r => r.DeadMs / 1000, "F2")} | {Cell(rs, r => r.RssMiB, "F1")} | " +
                $"{Cell(rs, r => r.CpuFirstMinute, "F1")} | {Cell(rs, r => r.CpuAfter90, "F1")} |");
        }
    }

    /// <summary>Median (min-max) over runs; "-" when not measured.</summary>
    private static string Cell(List<ClusterResult> results, Func<ClusterResult, double> value, string format)
    {
        var values = results.Select(value).Where(v => !double.IsNaN(v)).Order().ToList();
        if (values.Count == 0)
        {
            return "-";
        }

        var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
        var failed = results.Count - values.Count;
        return string.Create(CultureInfo.InvariantCulture, $"{median.ToString(format, CultureInfo.InvariantCulture)} ({values[0].ToString(format, CultureInfo.InvariantCulture)}-{values[^1].ToString(format, CultureInfo.InvariantCulture)}){(failed > 0 ? $", {failed} timed out" : "")}");
    }

    internal static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>One cluster's figures (medians over its agents where per agent); NaN when not measured or timed out.</summary>
internal sealed record ClusterResult(double FullMembershipMs, double StartCpuMs, double ChangeMs, double DeadMs, double RssMiB, double CpuFirstMinute, double CpuAfter90)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"full membership {FullMembershipMs:F0} ms, start CPU {StartCpuMs:F0} ms/agent, change {ChangeMs:F0} ms, dead {DeadMs:F0} ms, RSS {RssMiB:F1} MiB, idle CPU {CpuFirstMinute:F1} / {CpuAfter90:F1} ms/s");
}
