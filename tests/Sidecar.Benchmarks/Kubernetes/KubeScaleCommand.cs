using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Benchmarks.Kubernetes;

/// <summary>
/// Issue 10 scale: a simulated API server with 5,000 Services and 50,000 endpoints (one EndpointSlice of 10 per Service,
/// 50,000 Running pods on 50 Nodes) and a real agent process as the source's owner (<c>--aggregate k8s</c>): time from
/// process start to every instance findable, and the owner's VmRSS after the sync. Baselines, same run: the same
/// executable on an empty data dir, and restarted on the owner's data dir without <c>--aggregate k8s</c> (the same
/// 50,000 instances restored from disk, no watch state).
/// </summary>
internal static class KubeScaleCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var services = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var perService = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var sidecar = Path.Combine(AppContext.BaseDirectory, "sidecar.dll");
        var root = Directory.CreateTempSubdirectory("sidecar-kubescale-").FullName;
        try
        {
            await using var server = await FakeApiServer.StartAsync(requiredToken: "bench");
            var seeding = Stopwatch.StartNew();
            SyntheticCluster.Seed(server, services, perService);
            seeding.Stop();
            var kubeconfig = server.WriteKubeconfig(root, token: "bench");
            var direct = await ListAllAsync(server.Url);

            var empty = await MeasureAsync(sidecar, Path.Combine(root, "empty"), [], agent => Task.FromResult(true));

            var ownerDir = Path.Combine(root, "owner");
            var watchesOpen = TimeSpan.Zero;
            var owner = await MeasureAsync(sidecar, ownerDir, ["--aggregate", "k8s", "--kubeconfig", kubeconfig, "--cluster-name", "bench"], async agent =>
            {
                if (watchesOpen == TimeSpan.Zero && server.OpenWatches == 4)
                {
                    watchesOpen = agent.Clock.Elapsed;
                }

                return await CountAsync(agent.Client, services - 1) == perService && await CountAsync(agent.Client, 0) == perService;
            }, verify: client => VerifyAllAsync(client, services, perService));

            var restored = await MeasureAsync(sidecar, ownerDir, [], async agent => await CountAsync(agent.Client, services - 1) == perService,
                verify: client => VerifyAllAsync(client, services, perService));

            Console.WriteLine($"Simulated cluster: {services:N0} Services, {services * perService:N0} endpoints (one EndpointSlice of {perService} per Service), "
                + $"{services * perService:N0} Running pods on 50 Nodes, seeded in {seeding.Elapsed.TotalSeconds:F1} s; lists paged by 500.");
            Console.WriteLine();
            Console.WriteLine($"Listing every kind once with a plain HttpClient (the simulator's own cost, same process as the server): {direct.Wall.TotalSeconds:F2} s wall, "
                + $"{direct.Cpu.TotalSeconds:F2} s CPU (server and client), {direct.Bytes / 1048576.0:F1} MiB of JSON.");
            Console.WriteLine();
            Console.WriteLine("| agent | start to findable s | of which: until every list done, watches open s | agent CPU s until findable | VmRSS after sync + 5 s, MiB | VmHWM (peak) MiB | all findable |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            Console.WriteLine(Row("empty data dir, no source (baseline)", empty, null));
            Console.WriteLine(Row($"owner, `--aggregate k8s` against the simulated API server", owner, watchesOpen));
            Console.WriteLine(Row($"same data dir restarted without the source: the same {services * perService:N0} instances restored (baseline)", restored, null));
            Console.WriteLine();
            Console.WriteLine($"- owner RSS minus restored RSS (the watch state: objects and the mapping): **{(owner.Rss - restored.Rss) / 1048576.0:F1} MiB**; "
                + $"owner minus empty: {(owner.Rss - empty.Rss) / 1048576.0:F1} MiB");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Row(string name, Measurement m, TimeSpan? watches) =>
        $"| {name} | {m.Findable.TotalSeconds:F2} | {(watches is { } w ? w.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) : "")} | {m.Cpu.TotalSeconds:F2} | {m.Rss / 1048576.0:F1} | {m.Peak / 1048576.0:F1} | {m.Verified} |";

    private static async Task<Measurement> MeasureAsync(string sidecar, string dataDir, string[] extra, Func<Running, Task<bool>> ready, Func<HttpClient, Task<string>>? verify = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { sidecar, "agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir, "--node-name", "bench" }.Concat(extra))
        {
            info.ArgumentList.Add(arg);
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var running = new Running(client, clock);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/v1/health/ready");
                    if (health.StatusCode == HttpStatusCode.OK && await ready(running))
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(5) || process.HasExited)
                {
                    throw new TimeoutException("the agent did not get ready within 5 minutes");
                }

                await Task.Delay(20);
            }

            var findable = clock.Elapsed;
            var cpu = CpuTime(process.Id);
            var verified = verify is null ? "" : await verify(client);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (rss, peak) = Memory(process.Id);

            // SIGTERM: a clean stop, so the data dir holds everything for the restart baseline.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return new Measurement(findable, cpu, rss, peak, verified);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>Every Service found with all its instances (one find per Service), as "yes (n services)" or what is missing.</summary>
    private static async Task<string> VerifyAllAsync(HttpClient client, int services, int perService)
    {
        var wrong = 0;
        for (var s = 0; s < services; s++)
        {
            wrong += await CountAsync(client, s) == perService ? 0 : 1;
        }

        return wrong == 0 ? $"yes ({services:N0} finds)" : $"**{wrong} services incomplete**";
    }

    private static async Task<int> CountAsync(HttpClient client, int service)
    {
        using var response = await client.GetAsync($"/v4/default/registry/instances?appId={SyntheticCluster.AppId}&serviceName={SyntheticCluster.ServiceName(service)}&version=latest");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return -1;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("instances", out var instances) && instances.ValueKind == JsonValueKind.Array ? instances.GetArrayLength() : 0;
    }

    /// <summary>User + system CPU time of a process so far (/proc/&lt;pid&gt;/stat, clock ticks of 10 ms).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
    }

    /// <summary>Lists every kind once, page by page, with a plain client: what serving the lists costs the simulator itself.</summary>
    private static async Task<(TimeSpan Wall, TimeSpan Cpu, long Bytes)> ListAllAsync(Uri server)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var path in new[] { "api/v1/services", "apis/discovery.k8s.io/v1/endpointslices", "api/v1/pods", "api/v1/nodes" })
        {
            string? next = null;
            do
            {
                var body = await client.GetByteArrayAsync($"{path}?limit=500" + (next is null ? "" : "&continue=" + next));
                bytes += body.Length;
                using var page = JsonDocument.Parse(body);
                next = page.RootElement.GetProperty("metadata").TryGetProperty("continue", out var token) ? token.GetString() : null;
            }
            while (next is not null);
        }

        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu, bytes);
    }

    /// <summary>VmRSS and VmHWM of a process, in bytes.</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line["VmRSS:".Length..]);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line["VmHWM:".Length..]);
            }
        }

        return (rss, peak);

        static long Kb(string value) => long.Parse(value.Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Running(HttpClient Client, Stopwatch Clock);

    private sealed record Measurement(TimeSpan Findable, TimeSpan Cpu, long Rss, long Peak, string Verified);
}
