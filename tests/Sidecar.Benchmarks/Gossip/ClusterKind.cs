using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sidecar.Benchmarks.Gossip;

/// <summary>
/// What differs between Serf and sidecar in <see cref="SerfCompareCommand"/>: how an agent is started (every agent
/// on its own loopback address 127.0.12.x, all joining agent 0, the same 32-byte key: AES-256 both), how its output says a
/// member is alive or dead, and how "a change" is made and seen everywhere.
/// </summary>
internal abstract partial class ClusterKind(string name, string root)
{
    public string Name { get; } = name;

    protected string Root { get; } = root;

    /// <summary>Members each agent must see alive for full membership (Serf counts itself, sidecar does not log itself).</summary>
    public abstract int ExpectedAlive(int agents);

    public abstract ProcessStartInfo StartInfo(int index, Ports self, Ports first, string key);

    public abstract (string Name, string Event)? Parse(string line);

    /// <summary>Makes one change at agent 0 and returns when every agent has it: the time from the change to the last one, ms.</summary>
    public abstract Task<double> ChangeToAllAsync(IReadOnlyList<ClusterAgent> agents, IReadOnlyList<Ports> ports, string tag, TimeSpan timeout);

    /// <summary>
    /// One agent's addresses: gossip (UDP and TCP) on its own loopback address, as each pod has its own IP (on one shared
    /// address the agent's per-source-IP rate limits would count the whole cluster as one peer), and the control port
    /// (Serf's RPC, sidecar's HTTP) on 127.0.0.1.
    /// </summary>
    internal readonly record struct Ports(string Host, int Gossip, int Control)
    {
        public string GossipAddress => $"{Host}:{Gossip}";
    }

    internal sealed partial class Serf(string root, string executable) : ClusterKind("serf", root)
    {
        public override int ExpectedAlive(int agents) => agents;

        public override ProcessStartInfo StartInfo(int index, Ports self, Ports first, string key)
        {
            var info = new ProcessStartInfo(executable);
            info.ArgumentList.Add("agent");
            string[] args = ["-node", $"s{index}", "-bind", self.GossipAddress, "-rpc-addr", $"127.0.0.1:{self.Control}", "-encrypt", key, "-log-level", "info"];
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            if (index > 0)
            {
                // retry-join: a plain -join exits when agent 0 is not up yet; 1 s like the sidecar's first backoff.
                foreach (var arg in new[] { "-retry-join", first.GossipAddress, "-retry-interval", "1s" })
                {
                    info.ArgumentList.Add(arg);
                }
            }

            return info;
        }

        public override (string Name, string Event)? Parse(string line)
        {
            var match = SerfLine().Match(line);
            if (!match.Success)
            {
                return null;
            }

            return match.Groups[1].Value switch
            {
                "EventMemberJoin: " => (match.Groups[2].Value, "alive"),
                "EventMemberFailed: " => (match.Groups[2].Value, "dead"),
                _ => (match.Groups[4].Value, "event"),
            };
        }

        public override async Task<double> ChangeToAllAsync(IReadOnlyList<ClusterAgent> agents, IReadOnlyList<Ports> ports, string tag, TimeSpan timeout)
        {
            var started = Stopwatch.GetTimestamp();
            var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "event", "-coalesce=false", $"-rpc-addr=127.0.0.1:{ports[0].Control}", tag, "x" })
            {
                info.ArgumentList.Add(arg);
            }

            using (var sender = Process.Start(info)!)
            {
                await sender.WaitForExitAsync();
            }

            return await WaitAllAsync(agents, started, timeout, () => Task.FromResult(agents.All(a => a.Seen.ContainsKey((tag, "event")))));
        }

        [GeneratedRegex(@"serf: (EventMemberJoin: |EventMemberFailed: )(\S+)|Received event: user-event: ()(\S+)")]
        private static partial Regex SerfRegex();

        private static Regex SerfLine() => SerfRegex();
    }

    internal sealed partial class Sidecar(string root, string executable) : ClusterKind("sidecar", root)
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

        public override int ExpectedAlive(int agents) => agents - 1;

        public override ProcessStartInfo StartInfo(int index, Ports self, Ports first, string key)
        {
            var dll = executable.EndsWith(".dll", StringComparison.Ordinal);
            var info = new ProcessStartInfo(dll ? "dotnet" : executable);
            if (dll)
            {
                info.ArgumentList.Add(executable);
            }

            string[] args = ["agent", "--node-name", $"c{index}", "--listen", $"127.0.0.1:{self.Control}", "--data-dir", Path.Combine(Root, $"c{index}"),
                "--gossip-bind", self.GossipAddress, "--gossip-key", key];
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            if (index > 0)
            {
                info.ArgumentList.Add("--join");
                info.ArgumentList.Add(first.GossipAddress);
            }

            return info;
        }

        public override (string Name, string Event)? Parse(string line)
        {
            // Event 2220: "Member c3 at 127.0.0.1:40001 is now Alive."
            if (line.Contains("Gossip started as", StringComparison.Ordinal))
            {
                return ("self", "started");
            }

            if (line.Contains("Joined the cluster", StringComparison.Ordinal))
            {
                return ("self", "joined");
            }

            var match = SidecarRegex().Match(line);
            if (!match.Success)
            {
                return null;
            }

            return match.Groups[2].Value is "Alive" or "Suspect" ? (match.Groups[1].Value, "alive") : (match.Groups[1].Value, "dead");
        }

        public override async Task<double> ChangeToAllAsync(IReadOnlyList<ClusterAgent> agents, IReadOnlyList<Ports> ports, string tag, TimeSpan timeout)
        {
            // First the service and one instance (not timed: two records), then a second instance of it, timed.
            var first = new Uri($"http://127.0.0.1:{ports[0].Control}");
            using var service = await Http.PostAsJsonAsync(new Uri(first, "/v4/default/registry/microservices"),
                new { service = new { appId = "bench", serviceName = tag, version = "1.0.0" } });
            service.EnsureSuccessStatusCode();
            var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString();
            await RegisterInstanceAsync(first, serviceId!, tag + "-1");
            await WaitAllAsync(agents, Stopwatch.GetTimestamp(), timeout, async () => (await CountsAsync(ports, tag)).All(c => c >= 1));

            var started = Stopwatch.GetTimestamp();
            await RegisterInstanceAsync(first, serviceId!, tag + "-2");
            return await WaitAllAsync(agents, started, timeout, async () => (await CountsAsync(ports, tag)).All(c => c >= 2));
        }

        private static async Task RegisterInstanceAsync(Uri agent, string serviceId, string host)
        {
            using var instance = await Http.PostAsJsonAsync(new Uri(agent, $"/v4/default/registry/microservices/{serviceId}/instances"),
                new { instance = new { hostName = host, endpoints = new[] { $"rest://10.0.0.1:{host.Length}" } } });
            instance.EnsureSuccessStatusCode();
        }

        private static Task<int[]> CountsAsync(IReadOnlyList<Ports> ports, string tag) =>
            Task.WhenAll(ports.Select(async p =>
            {
                try
                {
                    var body = await Http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{p.Control}/v1/services/{tag}/instances?appId=bench");
                    return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
                }
                catch (HttpRequestException)
                {
                    return 0;
                }
            }));

        [GeneratedRegex(@"Member (\S+) at \S+ is now (\w+)")]
        private static partial Regex SidecarRegex();
    }

    /// <summary>Polls <paramref name="done"/> every 10 ms; returns ms since <paramref name="started"/>.</summary>
    protected static async Task<double> WaitAllAsync(IReadOnlyList<ClusterAgent> agents, long started, TimeSpan timeout, Func<Task<bool>> done)
    {
        while (!await done())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                return double.NaN;
            }

            await Task.Delay(10);
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    public static int FreePort()
    {
        // A port free for TCP and UDP alike (gossip binds both).
        while (true)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }
    }
}
