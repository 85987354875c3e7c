using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sidecar.Benchmarks.Storage;

/// <summary>
/// Native AOT vs JIT, same run: process start to the first correct find on an empty data dir, and VmRSS idle 5 s
/// later. Targets are <c>name=path</c>: a <c>.dll</c> runs under <c>dotnet</c> as <c>sidecar agent</c>; any other path is
/// an executable, run as <c>sidecar agent</c> too unless its name is <c>bare-aot</c> (the minimal API baseline,
/// tests/Sidecar.Benchmarks/BareAot, which answers the same path).
/// </summary>
internal static class StartupCommand
{
    // Service-Center's answer for a service that does not exist; the bare baseline answers the same bytes.
    private const string FindPath = "/v4/default/registry/instances?appId=bench&serviceName=missing&version=latest";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(args[0], CultureInfo.InvariantCulture);
        var targets = args[1..].Select(a => a.Split('=', 2)).Select(p => (Name: p[0], Path: Path.GetFullPath(p[1]))).ToList();
        var results = targets.ToDictionary(t => t.Name, _ => (Start: new List<double>(), Rss: new List<double>()));
        var root = Directory.CreateTempSubdirectory("sidecar-startup").FullName;
        for (var run = 0; run < runs; run++)
        {
            // Interleaved, so that the machine's load drifts over every target alike.
            foreach (var (name, path) in targets)
            {
                var (ms, rss) = await MeasureAsync(path, Path.Combine(root, $"{name}-{run}"));
                results[name].Start.Add(ms);
                results[name].Rss.Add(rss);
            }
        }

        Directory.Delete(root, recursive: true);
        Console.WriteLine($"| target | runs | start to first correct find, p50 ms (min-max) | idle VmRSS, p50 MiB (min-max) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, path) in targets)
        {
            var (start, rss) = results[name];
            Console.WriteLine($"| {name} (`{Path.GetFileName(path)}`) | {runs} | {Median(start):F0} ({start.Min():F0}-{start.Max():F0}) | {Median(rss):F1} ({rss.Min():F1}-{rss.Max():F1}) |");
        }

        return 0;
    }

    private static async Task<(double Ms, double RssMiB)> MeasureAsync(string target, string dataDir)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(target.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : target) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (target.EndsWith(".dll", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(target);
        }

        var args = Path.GetFileName(target) == "bare-aot"
            ? new[] { "--urls", $"http://127.0.0.1:{port}" }
            : ["agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir, "--node-name", "startup"];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var ms = await FirstCorrectFindAsync(client, clock);
            await Task.Delay(TimeSpan.FromSeconds(5));
            return (ms, RssMiB(process.Id));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<double> FirstCorrectFindAsync(HttpClient client, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var response = await client.GetAsync(FindPath);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.BadRequest && body.Contains("400012", StringComparison.Ordinal))
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(1);
        }

        throw new TimeoutException("no correct find answer within 30 s");
    }

    private static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
