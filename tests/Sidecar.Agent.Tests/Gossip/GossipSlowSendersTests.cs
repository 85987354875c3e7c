using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>Slow unauthenticated TCP senders against a real agent process, while a real peer process joins it.</summary>
[Collection(nameof(GossipClusterTests))]
public sealed class GossipSlowSendersTests : IAsyncDisposable
{
    private const string Registry = "/v4/default/registry";
    private static readonly Dictionary<string, string> s_fast = new() { ["SIDECAR_GOSSIP_TIME_SCALE"] = "0.25" };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecar-slow-" + Guid.NewGuid().ToString("N"));
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<SidecarProcess> _agents = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task FortyEightSlowSenders_MemoryStaysBounded_AndARealPeerJoinsAndPushPulls()
    {
        var port0 = SidecarProcess.FreePort();
        var n0 = await StartAsync("n0", port0, join: null);
        await RegisterAsync(n0, "shop", "cart");
        var pid = ProcessIdOf(Path.Combine(_root, "n0"));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var idle = Enumerable.Range(0, 3).Select(_ => RssBytes(pid)).Max();

        // 16 senders from the peer's own address and 32 from 32 others: each claims an 8 MiB message in the old
        // framing, then sends a byte every 100 ms, and reconnects a second after being dropped.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var target = new IPEndPoint(IPAddress.Loopback, port0);
        var from = Enumerable.Repeat(IPAddress.Loopback, 16).Concat(Enumerable.Range(2, 32).Select(i => IPAddress.Parse($"127.0.0.{i}")));
        var senders = from.Select(address => SlowSender.RunAsync(address, target, stop.Token)).ToList();
        long peak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, RssBytes(pid));
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        // A real peer joins meanwhile: membership and the registry arrive by push-pull over the same TCP port.
        var n1 = await StartAsync("n1", SidecarProcess.FreePort(), join: $"127.0.0.1:{port0}");
        var joined = Stopwatch.StartNew();
        await EventuallyAsync(TimeSpan.FromSeconds(30), "n1 joined n0 and has n0's instance", async () =>
            (await AliveMembersAsync(n0)).Count == 2 && (await AliveMembersAsync(n1)).Count == 2 && await CountInstancesAsync(n1, "shop", "cart") == 1);
        joined.Stop();
        await RegisterAsync(n1, "shop", "basket");
        await EventuallyAsync(TimeSpan.FromSeconds(15), "n0 has n1's instance", async () => await CountInstancesAsync(n0, "shop", "basket") == 1);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        var counters = (await n0.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct)).GetProperty("counters");
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await sampler;

        var handshakeTimeouts = counters.GetProperty("droppedBy").GetProperty("handshake_timeout").GetInt64();
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"n0 RSS idle {idle / 1048576.0:F1} MiB, peak under 48 slow senders {peak / 1048576.0:F1} MiB; {handshakeTimeouts} slow connections dropped; n1 joined in {joined.ElapsedMilliseconds} ms; streams in {counters.GetProperty("streamsIn").GetInt64()}"));
        Assert.True(handshakeTimeouts >= 48, $"only {handshakeTimeouts} slow connections were dropped");
        Assert.True(counters.GetProperty("streamsIn").GetInt64() > 0, "n0 took push-pull streams from n1");
        Assert.True(peak < idle + (32L << 20), $"RSS went from {idle >> 20} MiB to {peak >> 20} MiB");
        Assert.False(n0.HasExited);
    }

    /// <summary>The agent process started on <paramref name="dataDir"/> (found by its command line).</summary>
    private static int ProcessIdOf(string dataDir)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid))
            {
                try
                {
                    var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                    if (arguments.Contains("agent") && arguments.Contains(dataDir))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        throw new InvalidOperationException("no agent process runs on " + dataDir);
    }

    private static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }

    private async Task<SidecarProcess> StartAsync(string name, int gossipPort, string? join)
    {
        string[] args = ["--node-name", name, "--gossip-bind", $"127.0.0.1:{gossipPort}", "--gossip-key", _key, .. join is null ? Array.Empty<string>() : ["--join", join]];
        var agent = await SidecarProcess.StartWithEnvironmentAsync(Path.Combine(_root, name), null, s_fast, args);
        _agents.Add(agent);
        return agent;
    }

    private static async Task RegisterAsync(SidecarProcess agent, string appId, string serviceName)
    {
        using var service = await agent.Client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId, serviceName, version = "1.0.0" } }, Ct);
        service.EnsureSuccessStatusCode();
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("serviceId").GetString();
        using var instance = await agent.Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = serviceName + "-1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, Ct);
        instance.EnsureSuccessStatusCode();
    }

    private static async Task<int> CountInstancesAsync(SidecarProcess agent, string appId, string serviceName)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>($"/v1/services/{serviceName}/instances?appId={appId}", Ct);
        return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
    }

    private static async Task<List<string>> AliveMembersAsync(SidecarProcess agent)
    {
        var body = await agent.Client.GetFromJsonAsync<JsonElement>("/v1/members", Ct);
        return [.. body.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("state").GetString() == "alive").Select(m => m.GetProperty("name").GetString()!)];
    }

    private static async Task EventuallyAsync(TimeSpan within, string what, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.True(await condition(), $"not within {within.TotalSeconds} s: {what}");
    }
}
