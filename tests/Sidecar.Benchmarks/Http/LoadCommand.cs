using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Sidecar.Benchmarks.Http;

/// <summary>
/// The load generator, run as its own process by <c>http</c> so that it has its own GC and thread pool. It reports
/// each phase on stdout (<c>BEGIN</c>/<c>END</c> lines) and waits for a line on stdin before and after each phase, so
/// the server process can read its CPU time, allocations and RSS exactly around the phase.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var requests = Enumerable.Range(0, Dataset.Services)
            .Select(s => RawHttpConnection.Request(Dataset.FindPath(s), "127.0.0.1"))
            .ToArray();
        var pools = new Dictionary<string, RawHttpConnection[]>();
        foreach (var (name, endPoint) in options.Targets)
        {
            pools[name] = await OpenAsync(endPoint, options.Connections);
        }

        var names = options.Targets.Select(t => t.Name).ToArray();
        // Warm both servers and this client (JIT tiers, pools, GC budgets) in alternation, as the measured phases run.
        for (var round = 0; round < 2; round++)
        {
            foreach (var name in names)
            {
                await ClosedLoopAsync(pools[name], requests, options.Warmup / 2);
            }
        }

        var closed = names.ToDictionary(n => n, _ => new Totals());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var name in Order(names, round))
            {
                Sync($"BEGIN closed {name} {round}");
                var cpu = CpuNow();
                var (count, errors, seconds) = await ClosedLoopAsync(pools[name], requests, options.Duration);
                var used = CpuNow() - cpu;
                closed[name].Add(count, errors, seconds, used);
                Sync(Invariant($"END closed {name} {round} requests={count} errors={errors} seconds={seconds:F3} rps={count / seconds:F0} client_cpu_s={used.TotalSeconds:F2}"));
            }
        }

        var open = names.ToDictionary(n => n, _ => new OpenTotals());
        for (var round = 0; round < options.OpenRounds; round++)
        {
            foreach (var name in Order(names, round))
            {
                Sync($"BEGIN open {name} {round}");
                var cpu = CpuNow();
                var result = await OpenLoopAsync(pools[name], requests, options.Rate, options.Duration);
                var used = CpuNow() - cpu;
                open[name].Add(result, used);
                Sync(Invariant($"END open {name} {round} sent={result.Latencies.Length} errors={result.Errors} seconds={result.Seconds:F3} p50={Percentile(result.Latencies, 0.50):F1} p99={Percentile(result.Latencies, 0.99):F1} p999={Percentile(result.Latencies, 0.999):F1} client_cpu_s={used.TotalSeconds:F2}"));
            }
        }

        foreach (var name in names)
        {
            var c = closed[name];
            Console.WriteLine(Invariant(
                $"SUMMARY closed {name} requests={c.Requests} errors={c.Errors} seconds={c.Seconds:F3} rps={c.Requests / c.Seconds:F0} client_cpu_us_per_req={c.Cpu.TotalMicroseconds / c.Requests:F2}"));
            var o = open[name];
            var all = o.Latencies.SelectMany(l => l).ToArray();
            var lag = o.Lags.SelectMany(l => l).ToArray();
            Array.Sort(all);
            Array.Sort(lag);
            Console.WriteLine(Invariant(
                $"SUMMARY open {name} sent={all.Length} errors={o.Errors} stalls={o.Stalls} seconds={o.Seconds:F3} p50={Percentile(all, 0.50):F1} p90={Percentile(all, 0.90):F1} p99={Percentile(all, 0.99):F1} p999={Percentile(all, 0.999):F1} max={all[^1]:F1} lag_p50={Percentile(lag, 0.5):F1} lag_p99={Percentile(lag, 0.99):F1} client_cpu_us_per_req={o.Cpu.TotalMicroseconds / all.Length:F2}"));
        }

        foreach (var pool in pools.Values)
        {
            foreach (var connection in pool)
            {
                connection.Dispose();
            }
        }

        return 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Order(string[] names, int round) => round % 2 == 0 ? names : names.Reverse();

    private static TimeSpan CpuNow() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Tells the server process where we are and waits for it to take its readings.</summary>
    private static void Sync(string line)
    {
        Console.WriteLine(line);
        if (Console.ReadLine() is null)
        {
            throw new InvalidOperationException("the harness went away");
        }
    }

    private static async Task<RawHttpConnection[]> OpenAsync(IPEndPoint endPoint, int count)
    {
        var connections = new RawHttpConnection[count];
        for (var i = 0; i < count; i++)
        {
            connections[i] = await RawHttpConnection.OpenAsync(endPoint);
        }

        return connections;
    }

    /// <summary>Every connection sends its next request as soon as the previous answer is in.</summary>
    private static async Task<(long Count, long Errors, double Seconds)> ClosedLoopAsync(RawHttpConnection[] pool, byte[][] requests, double seconds)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        var workers = pool.Select((connection, c) => Task.Run(async () =>
        {
            long count = 0;
            long errors = 0;
            var next = c * requests.Length / pool.Length;
            while (Stopwatch.GetTimestamp() < end)
            {
                var (status, length) = await connection.SendAsync(requests[next]);
                next = next + 1 == requests.Length ? 0 : next + 1;
                count++;
                errors += status == 200 && length > 0 ? 0 : 1;
            }

            return (count, errors);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        return (results.Sum(r => r.count), results.Sum(r => r.errors), Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>
    /// Requests at a fixed rate, each on a free connection, latency measured from the time it was scheduled to be sent
    /// (corrects coordinated omission: a slow answer delays later sends, and that delay counts).
    /// </summary>
    private static async Task<OpenResult> OpenLoopAsync(RawHttpConnection[] pool, byte[][] requests, int rate, double seconds)
    {
        var total = (int)(rate * seconds);
        var latencies = new double[total];
        var lags = new double[total];
        var free = new ConcurrentQueue<RawHttpConnection>(pool);
        var done = new CountdownEvent(total);
        long errors = 0;
        long stalls = 0;
        var toMicros = 1_000_000.0 / Stopwatch.Frequency;

        async Task SendOneAsync(RawHttpConnection connection, int i, long scheduled)
        {
            try
            {
                var (status, length) = await connection.SendAsync(requests[i % requests.Length]);
                if (status != 200 || length == 0)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                Interlocked.Increment(ref errors);
            }

            latencies[i] = (Stopwatch.GetTimestamp() - scheduled) * toMicros;
            free.Enqueue(connection);
            done.Signal();
        }

        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var sender = new Thread(() =>
        {
            PreciseSleep.SetUpThread();
            for (var i = 0; i < total; i++)
            {
                var scheduled = start + (long)(i * (double)Stopwatch.Frequency / rate);
                PreciseSleep.Until(scheduled);
                RawHttpConnection? connection;
                if (!free.TryDequeue(out connection))
                {
                    stalls++;
                    var spin = new SpinWait();
                    while (!free.TryDequeue(out connection))
                    {
                        spin.SpinOnce();
                    }
                }

                lags[i] = (Stopwatch.GetTimestamp() - scheduled) * toMicros;
                _ = SendOneAsync(connection, i, scheduled);
            }
        })
        { IsBackground = true, Name = "open-loop sender", Priority = ThreadPriority.AboveNormal };
        sender.Start();
        await Task.Run(() => sender.Join());
        var drained = await Task.Run(() => done.Wait(TimeSpan.FromSeconds(30)));
        if (!drained)
        {
            throw new TimeoutException("open loop: answers still missing 30 s after the last send");
        }

        return new OpenResult(latencies, lags, errors, stalls, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values;
        if (!IsSorted(values))
        {
            sorted = (double[])values.Clone();
            Array.Sort(sorted);
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static bool IsSorted(double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record OpenResult(double[] Latencies, double[] Lags, long Errors, long Stalls, double Seconds);

    private sealed class Totals
    {
        public long Requests { get; private set; }
        public long Errors { get; private set; }
        public double Seconds { get; private set; }
        public TimeSpan Cpu { get; private set; }

        public void Add(long requests, long errors, double seconds, TimeSpan cpu)
        {
            Requests += requests;
            Errors += errors;
            Seconds += seconds;
            Cpu += cpu;
        }
    }

    private sealed class OpenTotals
    {
        public List<double[]> Latencies { get; } = [];
        public List<double[]> Lags { get; } = [];
        public long Errors { get; private set; }
        public long Stalls { get; private set; }
        public double Seconds { get; private set; }
        public TimeSpan Cpu { get; private set; }

        public void Add(OpenResult result, TimeSpan cpu)
        {
            Latencies.Add(result.Latencies);
            Lags.Add(result.Lags);
            Errors += result.Errors;
            Stalls += result.Stalls;
            Seconds += result.Seconds;
            Cpu += cpu;
        }
    }
}
