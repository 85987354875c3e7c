using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Sidecar.Benchmarks.Gossip;

/// <summary>
/// One agent process of a benchmarked cluster (Serf or sidecar). Its output lines are read as they come and stamped
/// with the cluster's clock, so "seen alive / dead / event" times need no polling of the agent (polling would add to
/// the CPU being measured); <see cref="ClusterKind"/> says how a line reads.
/// </summary>
internal sealed class ClusterAgent : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock;

    private ClusterAgent(string name, Process process, Stopwatch clock, Func<string, (string Name, string Event)?> parse)
    {
        Name = name;
        _process = process;
        _clock = clock;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, parse);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, parse);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool Exited => _process.HasExited;

    /// <summary>Per member name (or event tag): the first time each event ("alive", "dead", "event") was seen, in ms of the cluster clock.</summary>
    public ConcurrentDictionary<(string Name, string Event), double> Seen { get; } = new();

    /// <summary>The last lines printed, for a report when something went wrong.</summary>
    public ConcurrentQueue<string> Tail { get; } = new();

    public static ClusterAgent Start(string name, ProcessStartInfo info, Stopwatch clock, Func<string, (string Name, string Event)?> parse)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return new ClusterAgent(name, Process.Start(info)!, clock, parse);
    }

    public int CountSeen(string ev) => Seen.Keys.Count(k => k.Event == ev);

    /// <summary>utime + stime of the process, from /proc/PID/stat (clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public double RssMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line, Func<string, (string Name, string Event)?> parse)
    {
        if (line is null)
        {
            return;
        }

        var at = _clock.Elapsed.TotalMilliseconds;
        Tail.Enqueue(line);
        while (Tail.Count > 40)
        {
            Tail.TryDequeue(out _);
        }

        if (parse(line) is { } seen)
        {
            Seen.TryAdd(seen, at);
        }
    }
}
