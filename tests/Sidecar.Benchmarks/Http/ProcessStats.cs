using System.Diagnostics;
using System.Globalization;

namespace Sidecar.Benchmarks.Http;

/// <summary>Readings of this process: CPU time, bytes allocated, collections, and VmRSS from /proc/self/status.</summary>
internal readonly record struct ProcessStats(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2)
{
    public static ProcessStats Now()
    {
        using var process = Process.GetCurrentProcess();
        return new(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    public static ProcessStats operator -(ProcessStats a, ProcessStats b) =>
        new(a.Cpu - b.Cpu, a.Allocated - b.Allocated, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);

    /// <summary>CPU time used by every process on the machine (from /proc/stat), and the number of cores.</summary>
    public static TimeSpan MachineBusy()
    {
        const string path = "/proc/stat";
        if (!File.Exists(path))
        {
            return TimeSpan.Zero;
        }

        // cpu  user nice system idle iowait irq softirq steal ...; in USER_HZ (100 per second on Linux).
        var fields = File.ReadLines(path).First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        foreach (var i in new[] { 1, 2, 3, 6, 7, 8 })
        {
            busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(busy / 100.0);
    }

    /// <summary>VmRSS in bytes (0 where /proc is missing).</summary>
    public static long RssBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
