using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Benchmarks.Storage;

/// <summary>
/// P8: process start to the first correct find answered from the persisted replica (10,000 instances), against a
/// baseline of the same executable starting on an empty data dir (first 200 of /v1/health/ready), same run.
/// </summary>
internal static class ColdStartCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["prepare", var target])
        {
            // Leaves a loaded data dir behind, to profile a start by hand.
            await PrepareAsync(target);
            return 0;
        }

        var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var sidecar = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "sidecar.dll");
        var root = Path.Combine(Path.GetTempPath(), "sidecar-coldstart-" + Guid.NewGuid().ToString("N"));
        var loaded = Path.Combine(root, "loaded");
        await PrepareAsync(loaded);
        var fileSize = new FileInfo(Path.Combine(loaded, LiteDbReplicaStore.FileName)).Length;

        var empty = new List<double>();
        var full = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var emptyDir = Path.Combine(root, "empty" + run);
            empty.Add(await TimeToAnswerAsync(sidecar, emptyDir, "/v1/health/ready", _ => true));
            full.Add(await TimeToAnswerAsync(sidecar, loaded, Dataset.FindPath(0), body => body.Split("\"instanceId\"").Length - 1 == Dataset.InstancesPerService));
        }

        Directory.Delete(root, recursive: true);
        Console.WriteLine($"| target | runs | p50 ms | min ms | max ms |");
        Console.WriteLine($"|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("empty data dir, first 200 of /v1/health/ready (baseline)", empty));
        Console.WriteLine(Row($"10,000 instances persisted ({fileSize / 1024} KiB file), first correct find", full));
        Console.WriteLine();
        Console.WriteLine($"- loaded / empty (p50): **{Median(full) / Median(empty):F2}x**; loaded p50 {Median(full):F0} ms (goal P8 <= 300 ms: {(Median(full) <= 300 ? "met" : "**not met**")})");
        Console.WriteLine($"- executable: `dotnet {Path.GetFileName(sidecar)}` from {Path.GetDirectoryName(sidecar)}");
        return 0;
    }

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

    private static async Task<double> TimeToAnswerAsync(string sidecar, string dataDir, string path, Func<string, bool> correct)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { sidecar, "agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir, "--node-name", "coldstart" })
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
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    using var response = await client.GetAsync(path);
                    if (response.StatusCode == HttpStatusCode.OK && correct(await response.Content.ReadAsStringAsync()))
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

            throw new TimeoutException("no correct answer within 30 s");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static string Row(string name, List<double> values) =>
        $"| {name} | {values.Count} | {Median(values):F0} | {values.Min():F0} | {values.Max():F0} |";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
