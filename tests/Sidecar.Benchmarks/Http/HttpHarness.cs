using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Benchmarks.Http;

/// <summary>
/// P1, P2, P10: starts the real agent and a bare Kestrel endpoint in this process, loads 10,000 instances in 500
/// services, runs the load generator as a separate process against both (alternating, same connections count, same
/// URLs), and prints the figures side by side as Markdown.
/// </summary>
internal static class HttpHarness
{
    private const double ServiceCenterRps = 7577;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        await using var agent = AgentHost.Build(new AgentOptions { Listen = loopback, NodeName = "bench", DataDir = Path.GetTempPath() });
        await agent.StartAsync();
        var agentEndPoint = BoundEndPoint(agent);
        var rssEmpty = IdleRss();
        var heapEmpty = GC.GetGCMemoryInfo().HeapSizeBytes;
        var loadStart = Stopwatch.GetTimestamp();
        await Dataset.LoadAsync(agent.Services.GetRequiredService<LocalRegistry>(), CancellationToken.None);
        var loadTime = Stopwatch.GetElapsedTime(loadStart);
        var snapshot = agent.Services.GetRequiredService<Replica>().Snapshot;
        var answers = Enumerable.Range(0, Dataset.Services).ToDictionary(
            s => (Dataset.AppId, Dataset.ServiceName(s)),
            s => snapshot.Names[new NameKey("default", "default", "", Dataset.AppId, Dataset.ServiceName(s))] is var a ? (a.Body, a.Revision) : default);
        var instanceCount = snapshot.Services.Values.Sum(v => v.Instances.Length);
        var rssAgentIdle = IdleRss();
        var heapLoaded = GC.GetGCMemoryInfo().HeapSizeBytes;

        await using var bare = BareEndpoint.Build(loopback, answers);
        await bare.StartAsync();
        var bareEndPoint = BoundEndPoint(bare);
        await VerifyAsync(agentEndPoint, bareEndPoint, answers);
        var rssBothIdle = IdleRss();

        using var sampler = new RssSampler();
        var run = await RunLoadAsync(options with { Targets = [("agent", agentEndPoint), ("bare", bareEndPoint)] }, sampler);
        var rssAfter = ProcessStats.RssBytes();

        var bodies = answers.Values.Select(a => a.Body.Length).ToArray();
        var report = Report(options, run, new Memory(rssEmpty, heapEmpty, rssAgentIdle, heapLoaded, rssBothIdle, rssAfter), instanceCount, bodies, loadTime);
        Console.WriteLine(report);
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        return run.Summaries.Values.Any(s => s.Get("errors") > 0) ? 1 : 0;
    }

    private static IPEndPoint BoundEndPoint(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
    }

    /// <summary>VmRSS after a full collection and a short rest: what the process holds, not what it just used.</summary>
    private static long IdleRss()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Thread.Sleep(1000);
        return ProcessStats.RssBytes();
    }

    /// <summary>Both endpoints must answer every URL with the snapshot's bytes, or the comparison means nothing.</summary>
    private static async Task VerifyAsync(IPEndPoint agent, IPEndPoint bare, Dictionary<(string, string), (byte[] Body, string Revision)> answers)
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var s in new[] { 0, 1, Dataset.Services / 2, Dataset.Services - 1 })
        {
            var expected = answers[(Dataset.AppId, Dataset.ServiceName(s))];
            foreach (var endPoint in new[] { agent, bare })
            {
                using var response = await client.GetAsync(new Uri($"http://{endPoint}{Dataset.FindPath(s)}"));
                var body = await response.Content.ReadAsByteArrayAsync();
                var revision = response.Headers.TryGetValues("X-Resource-Revision", out var values) ? values.Single() : null;
                if (response.StatusCode != HttpStatusCode.OK || !body.AsSpan().SequenceEqual(expected.Body) || revision != expected.Revision)
                {
                    throw new InvalidOperationException($"{endPoint} answered {(int)response.StatusCode} with other bytes for {Dataset.FindPath(s)}");
                }
            }
        }
    }

    private static async Task<LoadRun> RunLoadAsync(LoadOptions options, RssSampler sampler)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Keep the load generator cheap so it takes as little CPU from the server as it can: socket continuations run
        // on the epoll thread instead of hopping to the thread pool, and idle pool threads do not spin. These apply to
        // the load generator process only; the server process keeps the runtime's defaults, as the agent does.
        start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        start.ArgumentList.Add("load");
        foreach (var arg in options.ToArgs())
        {
            start.ArgumentList.Add(arg);
        }

        using var load = Process.Start(start) ?? throw new InvalidOperationException("cannot start the load generator");
        var phases = new Dictionary<(string Phase, string Target), PhaseTotals>();
        var summaries = new Dictionary<(string Phase, string Target), Fields>();
        var before = ProcessStats.Now();
        var machineBefore = ProcessStats.MachineBusy();
        while (await load.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "BEGIN":
                    sampler.Reset();
                    before = ProcessStats.Now();
                    machineBefore = ProcessStats.MachineBusy();
                    Console.Error.WriteLine(line);
                    break;
                case "END":
                    var delta = ProcessStats.Now() - before;
                    var machine = ProcessStats.MachineBusy() - machineBefore;
                    var key = (parts[1], parts[2]);
                    if (!phases.TryGetValue(key, out var totals))
                    {
                        phases[key] = totals = new PhaseTotals();
                    }

                    var fields = Fields.Parse(parts.Skip(4));
                    // What the rest of the machine used meanwhile (other sessions' builds and tests share this box).
                    var others = Math.Max(0, (machine - delta.Cpu).TotalSeconds - fields.Get("client_cpu_s")) / fields.Get("seconds");
                    totals.Add(delta, fields.Get("requests") + fields.Get("sent"), fields.Get("seconds"), sampler.Max, others);
                    Console.Error.WriteLine(line + Invariant($" server_cpu_s={delta.Cpu.TotalSeconds:F2} other_cores={others:F2} rss_max_mib={sampler.Max / 1048576.0:F1}"));
                    break;
                case "SUMMARY":
                    summaries[(parts[1], parts[2])] = Fields.Parse(parts.Skip(3));
                    Console.Error.WriteLine(line);
                    continue;
                default:
                    Console.Error.WriteLine("load: " + line);
                    continue;
            }

            await load.StandardInput.WriteLineAsync("go");
            await load.StandardInput.FlushAsync();
        }

        await load.WaitForExitAsync();
        return load.ExitCode == 0
            ? new LoadRun(phases, summaries)
            : throw new InvalidOperationException($"the load generator exited with {load.ExitCode}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Report(LoadOptions options, LoadRun run, Memory memory, int instances, int[] bodies, TimeSpan loadTime)
    {
        static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
        static string Met(bool ok) => ok ? "met" : "**not met**";
        var sb = new StringBuilder();
        void Line(FormattableString text) => sb.AppendLine(text.ToString(CultureInfo.InvariantCulture));

        Line($"Dataset: {instances:N0} instances in {Dataset.Services} services (loaded through LocalRegistry in {loadTime.TotalSeconds:F1} s); find bodies {bodies.Min():N0}-{bodies.Max():N0} bytes, mean {bodies.Average():N0}. Every request asks for the next of the 500 services.");
        Line($"Load generator: a separate process (`-- load`), raw-socket HTTP/1.1 keep-alive client with inline socket completions, {options.Connections} connections per target, same URL sequence against both targets. Agent and bare endpoint share one server process; the two processes share the machine's cores.");
        Line($"");
        Line($"### Throughput, closed loop (P1)");
        Line($"");
        Line($"{options.Rounds} rounds x {options.Duration:F0} s per target after {options.Warmup:F0} s warm-up each, alternating (order swapped every round).");
        Line($"");
        Line($"| target | req/s | req/s per round | server CPU µs/req | server alloc B/req | gen0 GCs / 100k req | client CPU µs/req | other processes, cores (mean / max) | max VmRSS MiB | errors |");
        Line($"|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in new[] { "bare", "agent" })
        {
            var s = run.Summaries[("closed", target)];
            var p = run.Phases[("closed", target)];
            var rounds = string.Join(", ", p.Rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));
            Line($"| {target} | {s.Get("rps"):N0} | {rounds} | {p.CpuMicrosPerRequest:F1} | {p.AllocatedPerRequest:N0} | {p.Gen0Per100K:F1} | {s.Get("client_cpu_us_per_req"):F1} | {p.OtherCores.Mean:F2} / {p.OtherCores.Max:F2} | {Mib(p.RssMax)} | {s.Get("errors"):N0} |");
        }

        var agentRps = run.Summaries[("closed", "agent")].Get("rps");
        var bareRps = run.Summaries[("closed", "bare")].Get("rps");
        var ratio = agentRps / bareRps;
        Line($"");
        Line($"- agent / bare: **{ratio:P1}** (goal >= 90 %: {Met(ratio >= 0.90)})");
        Line($"- agent / Service-Center's published {ServiceCenterRps:N0} req/s on 2 cores: **{agentRps / ServiceCenterRps:F1}x** (goal >= 5x: {Met(agentRps >= 5 * ServiceCenterRps)})");
        Line($"");
        Line($"### Latency, open loop at {options.Rate:N0} req/s (P2)");
        Line($"");
        Line($"{options.OpenRounds} rounds x {options.Duration:F0} s per target, alternating. Latency is measured from the scheduled send time (coordinated omission corrected); values in µs.");
        Line($"");
        Line($"| target | p50 | p90 | p99 | p99.9 | max | requests | errors | sender lag p50 / p99 | server CPU µs/req | server alloc B/req | other processes, cores (mean / max) | max VmRSS MiB |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in new[] { "bare", "agent" })
        {
            var s = run.Summaries[("open", target)];
            var p = run.Phases[("open", target)];
            Line($"| {target} | {s.Get("p50"):F0} | {s.Get("p90"):F0} | {s.Get("p99"):F0} | {s.Get("p999"):F0} | {s.Get("max"):F0} | {s.Get("sent"):N0} | {s.Get("errors"):N0} | {s.Get("lag_p50"):F0} / {s.Get("lag_p99"):F0} | {p.CpuMicrosPerRequest:F1} | {p.AllocatedPerRequest:N0} | {p.OtherCores.Mean:F2} / {p.OtherCores.Max:F2} | {Mib(p.RssMax)} |");
        }

        var agentOpen = run.Summaries[("open", "agent")];
        var bareOpen = run.Summaries[("open", "bare")];
        Line($"| agent / bare | {agentOpen.Get("p50") / bareOpen.Get("p50"):F2} | {agentOpen.Get("p90") / bareOpen.Get("p90"):F2} | {agentOpen.Get("p99") / bareOpen.Get("p99"):F2} | {agentOpen.Get("p999") / bareOpen.Get("p999"):F2} | | | | | | | | |");
        Line($"");
        Line($"- agent p99 {agentOpen.Get("p99"):F0} µs (goal <= 250 µs: {Met(agentOpen.Get("p99") <= 250)}), p99.9 {agentOpen.Get("p999"):F0} µs (goal <= 1,000 µs: {Met(agentOpen.Get("p999") <= 1000)})");
        Line($"");
        Line($"### Memory, VmRSS of the server process (P10)");
        Line($"");
        Line($"| state | MiB |");
        Line($"|---|---:|");
        Line($"| idle, agent started with an empty registry, after a full GC (managed heap {Mib(memory.HeapEmpty)}) | {Mib(memory.Empty)} |");
        Line($"| idle, agent with {instances:N0} instances (bare endpoint not yet started), after a full GC (managed heap {Mib(memory.HeapLoaded)}) | {Mib(memory.AgentIdle)} |");
        Line($"| idle, agent and bare endpoint started, after a full GC | {Mib(memory.BothIdle)} |");
        Line($"| max during the agent's closed-loop phases ({agentRps:N0} req/s) | {Mib(run.Phases[("closed", "agent")].RssMax)} |");
        Line($"| max during the agent's open-loop phases ({options.Rate:N0} req/s) | {Mib(run.Phases[("open", "agent")].RssMax)} |");
        Line($"| after the load, no GC forced | {Mib(memory.After)} |");
        Line($"");
        Line($"- idle {Mib(memory.AgentIdle)} MiB (goal <= 100 MiB: {Met(memory.AgentIdle <= 100L * 1048576)}); under load {Mib(run.Phases[("closed", "agent")].RssMax)} MiB at {agentRps:N0} req/s, including the bare endpoint's host (goal <= 150 MiB at 20,000 req/s: {Met(run.Phases[("closed", "agent")].RssMax <= 150L * 1048576)})");
        return sb.ToString();
    }

    private sealed record Memory(long Empty, long HeapEmpty, long AgentIdle, long HeapLoaded, long BothIdle, long After);

    private sealed record LoadRun(Dictionary<(string Phase, string Target), PhaseTotals> Phases, Dictionary<(string Phase, string Target), Fields> Summaries);

    /// <summary>The <c>key=value</c> fields of a load generator line.</summary>
    private sealed class Fields(Dictionary<string, double> values)
    {
        public static Fields Parse(IEnumerable<string> parts) => new(parts
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture)));

        public double Get(string name) => values.GetValueOrDefault(name);
    }

    private sealed class PhaseTotals
    {
        private ProcessStats _stats;
        private double _requests;

        public long RssMax { get; private set; }

        public double CpuMicrosPerRequest => _stats.Cpu.TotalMicroseconds / _requests;

        public double AllocatedPerRequest => _stats.Allocated / _requests;

        public double Gen0Per100K => _stats.Gen0 * 100_000 / _requests;

        private readonly List<double> _others = [];

        /// <summary>Cores busy with other processes during the phases: mean and max over the rounds.</summary>
        public (double Mean, double Max) OtherCores => (_others.Average(), _others.Max());

        private readonly List<double> _rates = [];

        /// <summary>Requests per second of each round.</summary>
        public IReadOnlyList<double> Rates => _rates;

        public void Add(ProcessStats delta, double requests, double seconds, long rssMax, double otherCores)
        {
            _others.Add(otherCores);
            _rates.Add(requests / seconds);
            _stats = new ProcessStats(_stats.Cpu + delta.Cpu, _stats.Allocated + delta.Allocated, _stats.Gen0 + delta.Gen0, _stats.Gen1 + delta.Gen1, _stats.Gen2 + delta.Gen2);
            _requests += requests;
            RssMax = Math.Max(RssMax, rssMax);
        }
    }

    /// <summary>Samples VmRSS every 50 ms and keeps the maximum since the last <see cref="Reset"/>.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _max;

        public RssSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

        public long Max
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _max);
            }
        }

        public void Reset() => Interlocked.Exchange(ref _max, ProcessStats.RssBytes());

        private void Sample()
        {
            var rss = ProcessStats.RssBytes();
            long current;
            while (rss > (current = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, rss, current) != current)
            {
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
