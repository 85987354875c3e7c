using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Benchmarks.Storage;

/// <summary>
/// P8/P10: process start to the first correct find answered from the persisted replica (10,000 instances), against a
/// baseline of the same executable starting on an empty data dir (first 200 of /v1/health/ready), same run; the RSS
/// right after the first answer and after a few idle seconds; and the agent's own start profile (its phases, read
/// from its startup log line, event 3200).
/// </summary>
/// <remarks>
/// <c>coldstart [runs] [agent] [--variant label:NAME=VALUE,NAME=VALUE]...</c>. The agent is a <c>sidecar.dll</c>
/// (run with <c>dotnet</c>) or a native executable (run directly), so a Native AOT build is measured by the same
/// command. Each variant starts the loaded agent again with extra environment variables (runtime settings such as
/// <c>DOTNET_GCgen0size</c>), interleaved with the baseline runs.
/// </remarks>
internal static class ColdStartCommand
{
    private static readonly TimeSpan s_idleWait = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["prepare", var target])
        {
            // Leaves a loaded data dir behind, to profile a start by hand.
            await PrepareAsync(target);
            return 0;
        }

        var variants = new List<(string Label, Dictionary<string, string> Env)> { ("default", []) };
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--variant" && i + 1 < args.Length)
            {
                var spec = args[++i];
                var colon = spec.IndexOf(':', StringComparison.Ordinal);
                var env = spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
                variants.Add((spec[..colon], env));
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        var runs = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 5;
        var sidecar = Path.GetFullPath(positional.Count > 1 ? positional[1] : Path.Combine(AppContext.BaseDirectory, "sidecar.dll"));
        var root = Path.Combine(Path.GetTempPath(), "sidecar-coldstart-" + Guid.NewGuid().ToString("N"));
        var loaded = Path.Combine(root, "loaded");
        await PrepareAsync(loaded);
        var fileSize = new FileInfo(Path.Combine(loaded, LiteDbReplicaStore.FileName)).Length;
        // A pod restarts a data dir its agent has run on: one start writes the snapshot the measured starts read.
        var snapshotFile = Path.Combine(loaded, ReplicaSnapshotFile.FileName);
        await WarmAsync(sidecar, loaded, snapshotFile);
        var snapshotSize = File.Exists(snapshotFile) ? new FileInfo(snapshotFile).Length : 0;
        var withoutSnapshot = Path.Combine(root, "litedb");
        CopyDir(loaded, withoutSnapshot);

        var empty = new List<Run>();
        var liteDb = new List<Run>();
        var full = variants.ToDictionary(v => v.Label, _ => new List<Run>());
        for (var run = 0; run < runs; run++)
        {
            var emptyDir = Path.Combine(root, "empty" + run);
            empty.Add(await TimeToAnswerAsync(sidecar, emptyDir, [], "/v1/health/ready", _ => true));
            File.Delete(Path.Combine(withoutSnapshot, ReplicaSnapshotFile.FileName));
            liteDb.Add(await TimeToAnswerAsync(sidecar, withoutSnapshot, [], Dataset.FindPath(0),
                body => body.Split("\"instanceId\"").Length - 1 == Dataset.InstancesPerService));
            foreach (var (label, env) in variants)
            {
                full[label].Add(await TimeToAnswerAsync(sidecar, loaded, env, Dataset.FindPath(0),
                    body => body.Split("\"instanceId\"").Length - 1 == Dataset.InstancesPerService));
            }
        }

        Directory.Delete(root, recursive: true);
        var baseline = full["default"];
        Console.WriteLine($"| target | runs | p50 ms | min ms | max ms | RSS at first answer MiB (p50) | RSS after {s_idleWait.TotalSeconds:F0} s idle MiB (p50) |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(Row("empty data dir, first 200 of /v1/health/ready (baseline)", empty));
        Console.WriteLine(Row($"10,000 instances persisted ({fileSize / 1024} KiB LiteDB file), no snapshot: first correct find (baseline)", liteDb));
        Console.WriteLine(Row($"the same with the replica snapshot ({snapshotSize / 1024} KiB), first correct find", baseline));
        foreach (var (label, env) in variants.Skip(1))
        {
            Console.WriteLine(Row($"the same, {label} ({string.Join(' ', env.Select(p => $"{p.Key}={p.Value}"))})", full[label]));
        }

        Console.WriteLine();
        var p50 = Median(baseline.Select(r => r.Ms));
        Console.WriteLine($"- loaded / empty (p50): **{p50 / Median(empty.Select(r => r.Ms)):F2}x**; loaded p50 {p50:F0} ms (goal P8 <= 150 ms under Native AOT: {(p50 <= 150 ? "met" : "**not met**")})");
        Console.WriteLine($"- agent: `{Describe(sidecar)}`");
        Console.WriteLine();
        Console.WriteLine("Where the loaded start goes (the agent's startup log line, event 3200; p50 of each phase over the runs, ms;");
        Console.WriteLine("'first find' is from the listener being up to the harness's first correct answer):");
        Console.WriteLine();
        foreach (var (label, runsOf) in variants.Select(v => (v.Label, full[v.Label])).Prepend(("LiteDB only", liteDb)))
        {
            var phases = Phases(runsOf);
            if (phases.Count == 0)
            {
                continue;
            }

            Console.WriteLine($"| {label} | " + string.Join(" | ", phases.Select(p => p.Key)) + " |");
            Console.WriteLine("|---|" + string.Concat(phases.Select(_ => "---:|")));
            Console.WriteLine("| p50 | " + string.Join(" | ", phases.Select(p => p.Value)) + " |");
            Console.WriteLine();
        }

        return 0;
    }

    private static async Task WarmAsync(string sidecar, string dataDir, string snapshotFile)
    {
        var port = FreePort();
        using var process = Process.Start(Start(sidecar, dataDir, port, []))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(snapshotFile) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        process.Kill();
        await process.WaitForExitAsync();
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static ProcessStartInfo Start(string sidecar, string dataDir, int port, Dictionary<string, string> env)
    {
        var managed = sidecar.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(managed ? "dotnet" : sidecar) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (managed)
        {
            info.ArgumentList.Add(sidecar);
        }

        foreach (var arg in new[] { "agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir, "--node-name", "coldstart" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private sealed record Run(double Ms, double RssFirst, double RssIdle, string? Profile);

    private static async Task PrepareAsync(string dataDir)
    {
        var (store, _) = LiteDbReplicaStore.Open(dataDir, TimeProvider.System, NullLogger.Instance);
        store.SaveIdentity("coldstart", null);
        store.Start();
        var replica = new Replica("coldstart", TimeProvider.System, store);
        replica.Start();
        await Dataset.LoadAsync(new LocalRegistry(replica), CancellationToken.None);
        await replica.DisposeAsync();
        store.Dispose();
    }

    private static string Describe(string sidecar) =>
        sidecar.EndsWith(".dll", StringComparison.Ordinal) ? $"dotnet {sidecar}" : sidecar;

    private static async Task<Run> TimeToAnswerAsync(string sidecar, string dataDir, Dictionary<string, string> env, string path, Func<string, bool> correct)
    {
        var port = FreePort();
        var info = Start(sidecar, dataDir, port, env);
        string? profile = null;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("startup phases (ms): ", StringComparison.Ordinal) == true)
            {
                profile = e.Data[(e.Data.IndexOf("startup phases (ms): ", StringComparison.Ordinal) + 21)..];
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await client.GetAsync(path);
                    if (response.StatusCode == HttpStatusCode.OK && correct(await response.Content.ReadAsStringAsync()))
                    {
                        var ms = clock.Elapsed.TotalMilliseconds;
                        var rssFirst = Rss(process.Id);
                        await Task.Delay(s_idleWait);
                        return new Run(ms, rssFirst, Rss(process.Id), profile is null ? null : profile + $" first-answer={ms:F1}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet (or, on a busy machine, not answering yet).
                }

                await Task.Delay(1);
            }

            throw new TimeoutException("no correct answer within 60 s");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The p50 of every numeric phase of the agent's startup line, in the order it logged them.</summary>
    private static List<KeyValuePair<string, string>> Phases(List<Run> runs)
    {
        var parsed = runs.Where(r => r.Profile is not null).Select(r => r.Profile!.Split(' ')
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList()).ToList();
        if (parsed.Count == 0)
        {
            return [];
        }

        var phases = new List<KeyValuePair<string, string>>();
        foreach (var name in parsed[0].Select(p => p[0]))
        {
            var values = parsed.Select(r => r.FirstOrDefault(p => p[0] == name)?[1]).OfType<string>().ToList();
            var unit = values[0].EndsWith("MiB", StringComparison.Ordinal) ? "MiB" : "";
            var numbers = values.Select(v => double.TryParse(v.Replace("MiB", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, out var d) ? d : double.NaN)
                .Where(d => !double.IsNaN(d)).ToList();
            phases.Add(new(name, numbers.Count == values.Count && numbers.Count > 0 ? Median(numbers).ToString("F1", CultureInfo.InvariantCulture) + unit : values[values.Count / 2]));
        }

        // The listener's time to the first correct answer, as the harness saw it.
        return phases;
    }

    private static double Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static string Row(string name, List<Run> values) =>
        $"| {name} | {values.Count} | {Median(values.Select(v => v.Ms)):F0} | {values.Min(v => v.Ms):F0} | {values.Max(v => v.Ms):F0} | {Median(values.Select(v => v.RssFirst)):F1} | {Median(values.Select(v => v.RssIdle)):F1} |";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
