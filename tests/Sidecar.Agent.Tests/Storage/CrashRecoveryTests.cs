using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>Real processes killed with SIGKILL while writes are in flight; every acknowledged write must survive.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Kill9_WhileRegistering_EveryAcknowledgedInstanceSurvivesTheRestart()
    {
        var random = new Random(4242);
        var acknowledged = new ConcurrentDictionary<string, string>();
        string? serviceId = null;
        const int Target = 1000;
        // Up to 150 kills: a loaded CI machine acknowledges fewer writes per iteration (about 18 at load 30), and the
        // point is the count of acknowledged writes that were put at risk, not how fast they came.
        for (var iteration = 0; acknowledged.Count < Target && iteration < 150; iteration++)
        {
            await using var agent = await SidecarProcess.StartAsync(_dataDir);
            serviceId ??= await RegisterServiceAsync(agent.Client);
            await AssertAllPresentAsync(agent.Client, serviceId, acknowledged, iteration);

            // Writers keep registering while the process is killed at a random point.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => WriteUntilStoppedAsync(agent.Client, serviceId, acknowledged, $"it{iteration}w{w}", stop.Token)).ToList();
            await Task.Delay(random.Next(200, 800));
            agent.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var last = await SidecarProcess.StartAsync(_dataDir);
        await AssertAllPresentAsync(last.Client, serviceId!, acknowledged, iteration: -1);
        Assert.True(acknowledged.Count >= Target, $"only {acknowledged.Count} writes were acknowledged");
    }

    private static async Task WriteUntilStoppedAsync(HttpClient client, string serviceId, ConcurrentDictionary<string, string> acknowledged, string prefix, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var instanceId = $"{prefix}n{n}";
            try
            {
                using var response = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
                    // A 40 min lease: on a loaded machine the test outlives the default 120 s, and an expiry is not a loss.
                    new { instance = new { instanceId, hostName = instanceId, endpoints = new[] { $"rest://10.0.0.1:{n % 60000 + 1}" },
                        healthCheck = new { mode = "push", interval = 600, times = 3 } } }, stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged[instanceId] = instanceId;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<string> RegisterServiceAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "crash", serviceName = "victim", version = "1.0.0" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
    }

    private static async Task AssertAllPresentAsync(HttpClient client, string serviceId, ConcurrentDictionary<string, string> acknowledged, int iteration)
    {
        var body = await client.GetFromJsonAsync<JsonElement>($"{Registry}/microservices/{serviceId}/instances");
        var present = body.TryGetProperty("instances", out var list)
            ? list.EnumerateArray().Select(i => (Id: i.GetProperty("instanceId").GetString()!, Host: i.GetProperty("hostName").GetString()!)).ToList()
            : [];
        // No half-written record: every instance read back is whole.
        Assert.All(present, p => Assert.Equal(p.Id, p.Host));
        var missing = acknowledged.Keys.Except(present.Select(p => p.Id)).ToList();
        Assert.True(missing.Count == 0, $"after restart {iteration}: {missing.Count} acknowledged instances lost, e.g. {string.Join(", ", missing.Take(5))}");
    }
}
