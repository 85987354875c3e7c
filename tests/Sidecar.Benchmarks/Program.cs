using Sidecar.Benchmarks.Http;
using Sidecar.Benchmarks.Micro;

namespace Sidecar.Benchmarks;

/// <summary>
/// <c>micro [BenchmarkDotNet args]</c>: in-process hot paths; <c>http [--duration s] [--rate N] ...</c>: the HTTP load
/// harness against the real agent and a bare Kestrel endpoint; <c>serf-compare</c>: gossip clusters beside HashiCorp Serf (<see cref="Gossip.SerfCompareCommand"/>); <c>kubescale</c>: the Kubernetes source's initial sync
/// and the owner's memory at 5,000 Services / 50,000 endpoints; <c>load ...</c>: the load generator process that
/// <c>http</c> starts (not meant to be run by hand).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var rest = args.Length > 0 ? args[1..] : [];
        switch (args.FirstOrDefault())
        {
            case "micro":
                return MicroSuite.Run(rest);
            case "http":
                return await HttpHarness.RunAsync(rest);
            case "coldstart":
                return await Storage.ColdStartCommand.RunAsync(rest);
            case "startup":
                return await Storage.StartupCommand.RunAsync(rest);
            case "writes":
                return await Storage.WriteThroughputCommand.RunAsync(rest);
            case "kubescale":
                return await Kubernetes.KubeScaleCommand.RunAsync(rest);
            case "serf-compare":
                return await Gossip.SerfCompareCommand.RunAsync(rest);
            case "load":
                return await LoadCommand.RunAsync(rest);
            default:
                Console.Error.WriteLine("usage: Sidecar.Benchmarks micro [BenchmarkDotNet args] | http [--duration s] [--rate N] [--connections N] [--rounds N] [--out file.md] | coldstart [runs] [path/to/sidecar.dll or native sidecar] [--variant label:ENV=V,...] | writes | startup runs name=path/to/sidecar[.dll] ... | kubescale [services] [endpoints-per-service] | serf-compare [--agents 10,20] [--runs 3] [--idle-seconds 120] [--idle-agents 20] [--sidecar path/to/sidecar] [--serf serf]");
                return 2;
        }
    }
}
