using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using LiteDB;
using Sidecar.Agent.Storage;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Agent.Tests.Upstreams;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Diagnostics;

/// <summary>Scrapes <c>/metrics</c> of a real agent process (gossip, a fake remote Service-Center, a health listener) and parses it.</summary>
public sealed class AgentMetricsTests : IDisposable
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-metrics-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The names the issue promises, as scraped (histograms by their <c>_count</c> series).</summary>
    private static readonly string[] s_named =
    [
        "sidecar_instances", "sidecar_source_stale", "sidecar_upstream_pull_duration_seconds_count", "sidecar_lease_expirations_total",
        "sidecar_records_rejected_total", "sidecar_gossip_members", "sidecar_gossip_messages_total", "sidecar_watch_sessions",
        // ASP.NET Core's and the runtime's own meters.
        "http_server_request_duration_seconds_count", "kestrel_active_connections", "dotnet_process_cpu_count", "dotnet_gc_heap_total_allocated_bytes_total",
    ];

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_RealAgent_EveryNamedMetric_MovesWithRegistrationFailedPullRefusedRecordAndWatch()
    {
        await using var remote = await FakeServiceCenter.StartAsync("svc-remote-1", "Remote");
        string serviceId;
        await using (var first = await SidecarProcess.StartAsync(_dataDir, null, "--node-name", "pod-m"))
        {
            serviceId = await CreateServiceAsync(first.Client);
            Assert.Equal(0, await first.TerminateAsync());
        }

        PlantFutureRecord(serviceId);
        var healthPort = SidecarProcess.FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var agent = await SidecarProcess.StartAsync(_dataDir, null, "--health-listen", $"127.0.0.1:{healthPort}",
            "--clusters", $"remote={remote.Url}", "--sync-interval", "200ms",
            "--gossip-bind", $"127.0.0.1:{SidecarProcess.FreeTcpPort()}", "--gossip-key", key);
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        var scrape = await ScrapeUntilAsync(health, m => m.Value("sidecar_instances", ("source", "sc:remote")) == 1, "the remote pulled", agent);
        Assert.All(s_named, name => Assert.True(scrape.Find(name).Any(), $"{name} missing from:\n{Names(scrape)}"));
        Assert.Equal("gauge", scrape.Types["sidecar_instances"]);
        Assert.Equal("histogram", scrape.Types["sidecar_upstream_pull_duration_seconds"]);
        Assert.Equal("counter", scrape.Types["sidecar_records_rejected_total"]);
        Assert.Equal(0, scrape.Value("sidecar_instances", ("source", "agent:pod-m")));
        Assert.Equal(0, scrape.Value("sidecar_source_stale", ("source", "sc:remote")));
        Assert.Equal(1, scrape.Value("sidecar_records_rejected_total", ("origin", "restore"), ("reason", RecordGate.FutureClock)));
        Assert.Equal(1, scrape.Value("sidecar_gossip_members", ("state", "alive")));
        Assert.Equal(0, scrape.Value("sidecar_gossip_members", ("state", "dead")));
        Assert.Equal(0, scrape.Value("sidecar_watch_sessions"));
        Assert.Equal(0, scrape.Value("sidecar_lease_expirations_total"));
        Assert.True(scrape.Value("sidecar_upstream_pull_duration_seconds_count", ("source", "sc:remote"), ("outcome", "success")) >= 1);

        // An instance registered locally.
        using (var instance = await agent.Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = "h", endpoints = new[] { "rest://10.0.0.1:80" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, instance.StatusCode);
        }

        await ScrapeUntilAsync(health, m => m.Value("sidecar_instances", ("source", "agent:pod-m")) == 1, "the local instance counted", agent);

        // The remote fails: failed pulls are timed as failures and the source turns stale; it recovers.
        remote.Mode = RemoteAnswer.Html;
        await ScrapeUntilAsync(health, m => m.Value("sidecar_upstream_pull_duration_seconds_count", ("source", "sc:remote"), ("outcome", "failure")) >= 1
            && m.Value("sidecar_source_stale", ("source", "sc:remote")) == 1, "a failed pull counted and the source stale", agent);
        remote.Mode = RemoteAnswer.Valid;
        await ScrapeUntilAsync(health, m => m.Value("sidecar_source_stale", ("source", "sc:remote")) == 0, "the source fresh again", agent);

        // A watch socket is a session while it is open.
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{agent.Port}{Registry}/microservices/{serviceId}/watcher"), Ct);
            await ScrapeUntilAsync(health, m => m.Value("sidecar_watch_sessions") == 1, "the watch session counted", agent);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
        }

        await ScrapeUntilAsync(health, m => m.Value("sidecar_watch_sessions") == 0, "the watch session gone", agent);

        // The loopback API listener serves the same exposition.
        var onListen = PrometheusText.Parse(await agent.Client.GetStringAsync("/metrics", Ct));
        Assert.Equal(1, onListen.Value("sidecar_instances", ("source", "agent:pod-m")));
    }

    private static async Task<PrometheusText> ScrapeUntilAsync(HttpClient client, Func<PrometheusText, bool> condition, string what, SidecarProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        PrometheusText scrape;
        do
        {
            using var response = await client.GetAsync("/metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            scrape = PrometheusText.Parse(await response.Content.ReadAsStringAsync(Ct));
            if (condition(scrape))
            {
                return scrape;
            }

            await Task.Delay(100, Ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"timed out waiting for {what}; last scrape:\n{Names(scrape)}\nagent output:\n{agent.Output}");
        return scrape;
    }

    private static string Names(PrometheusText scrape) =>
        string.Join('\n', scrape.Samples.Where(s => s.Name.StartsWith("sidecar_", StringComparison.Ordinal))
            .Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));

    /// <summary>A record whose version clock is far ahead, written into the file by hand: the restore must refuse it.</summary>
    private void PlantFutureRecord(string serviceId)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = ConnectionType.Direct });
        var service = new ServiceRef("default", "default", serviceId);
        db.GetCollection("records").Upsert(RecordDocuments.ToDocument(new Record(RecordKey.ForInstance("agent:evil", service, "future"), new RecordVersion(long.MaxValue, "evil"),
            new MicroServiceInstance { InstanceId = "future", ServiceId = serviceId, HostName = "f", Endpoints = ["rest://10.6.6.7:1"] })));
    }

    private static async Task<string> CreateServiceAsync(HttpClient client)
    {
        using var service = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "app", serviceName = "svc", version = "1.0.0" } }, Ct);
        return (await service.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("serviceId").GetString()!;
    }
}
