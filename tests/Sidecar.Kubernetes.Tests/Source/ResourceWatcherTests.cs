using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Kubernetes.Diagnostics;
using Sidecar.Kubernetes.Source;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Source;

/// <summary>The list + watch loop against the simulated API server (real HTTP on loopback, real wire format).</summary>
public sealed class ResourceWatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly List<Task> _running = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("sidecar-kube-").FullName;
    private FakeApiServer _server = null!;
    private KubeApiClient _client = null!;

    private KubeSourceOptions Options { get; set; } = new()
    {
        PageSize = 2,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    private FakeLogger Logger { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync(requiredToken: "s3cret");
        foreach (var resource in KubeFixtures.Resources)
        {
            _server.Seed(resource, KubeFixtures.Items(resource));
        }

        var config = KubeApiClient.LoadConfig(_server.WriteKubeconfig(_dir, token: "s3cret"), out _)!;
        _client = new KubeApiClient(config, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running.Select(async t =>
        {
            try
            {
                await t;
            }
            catch (OperationCanceledException)
            {
            }
        }));
        _client.Dispose();
        await _server.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Run_InitialList_PagesWithContinueTokensThenWatchesFromTheListsVersion()
    {
        var state = StartAll();

        await Until(() => state.Synced && _server.OpenWatches == 4);

        Assert.Equal(6, state.Services.Count);
        Assert.Equal(6, state.Slices.Count);
        Assert.Equal(9, state.Pods.Count);
        Assert.Equal(2, state.Nodes.Count);
        var services = _server.Requests.Where(r => r.StartsWith("GET /api/v1/services", StringComparison.Ordinal)).ToList();
        // 6 services in pages of 2: three list requests, the later ones with continue tokens.
        Assert.Equal(["GET /api/v1/services?limit=2", "GET /api/v1/services?limit=2&continue=2", "GET /api/v1/services?limit=2&continue=4"], services.Take(3));
        Assert.Matches(@"^GET /api/v1/services\?watch=true&allowWatchBookmarks=true&resourceVersion=\d+$", services[3]);
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/discovery.k8s.io/v1/endpointslices?watch=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_AddedModifiedDeletedEvents_AppliedToTheState()
    {
        var state = StartAll();
        await Until(() => state.Synced && _server.OpenWatches == 4);

        var added = KubeFixtures.Find("services", "default", "api");
        added["metadata"]!["name"] = "orders";
        _server.Add("services", added);
        var web = KubeFixtures.Find("services", "default", "web");
        web["metadata"]!["labels"]!["version"] = "2.0.0";
        _server.Modify("services", web);
        _server.Delete("services", "default", "legacy-db");

        await Until(() => state.Services.Get("default", "orders") is not null
            && state.Services.Get("default", "web")!.Metadata!.Labels!["version"] == "2.0.0"
            && state.Services.Get("default", "legacy-db") is null);
        Assert.Equal(6, state.Services.Count);
    }

    [Fact]
    public async Task Run_Bookmark_ReconnectResumesFromTheBookmarksVersion()
    {
        var state = new ClusterState(1);
        var watcher = new ResourceWatcher<KubeService>(_client, state, KubeResource.Services, null, KubeJsonContext.Default.KubeListKubeService, Options, TimeProvider.System, Logger);
        _running.Add(watcher.RunAsync(_stop.Token));
        await Until(() => state.Synced && _server.OpenWatches == 1);
        // Changes to other kinds move the server's version; the bookmark lets the services watch skip past them.
        _server.Modify("pods", KubeFixtures.Find("pods", "default", "api-59b7d-aaaaa"));
        var bookmark = _server.Bookmark();
        await Until(() => watcher.ResourceVersion == bookmark.ToString(System.Globalization.CultureInfo.InvariantCulture));

        _server.DropWatches();

        await Until(() => _server.Requests.Any(r => r == $"GET /api/v1/services?watch=true&allowWatchBookmarks=true&resourceVersion={bookmark}"));
        Assert.Single(_server.Requests, r => r == "GET /api/v1/services?limit=2");
    }

    [Fact]
    public async Task Run_DroppedWatch_ReconnectsFromTheLastVersionWithoutRelistingAndMissesNothing()
    {
        var state = Start<KubeService>(KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        await Until(() => state.Synced && _server.OpenWatches == 1);

        _server.DropWatches();
        var added = KubeFixtures.Find("services", "default", "api");
        added["metadata"]!["name"] = "during-the-gap";
        _server.Add("services", added);

        await Until(() => state.Services.Get("default", "during-the-gap") is not null && _server.OpenWatches == 1);
        Assert.Equal(2, _server.Requests.Count(r => r.StartsWith("GET /api/v1/services?watch=true", StringComparison.Ordinal)));
        Assert.Single(_server.Requests, r => r == "GET /api/v1/services?limit=2");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_410Gone_RelistsAndPicksUpWhatTheWatchMissed(bool goneAsHttpStatus)
    {
        _server.GoneAsHttpStatus = goneAsHttpStatus;
        var state = Start<KubeService>(KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        await Until(() => state.Synced && _server.OpenWatches == 1);
        var lost = KubeFixtures.Find("services", "default", "web");
        lost["metadata"]!["labels"]!["version"] = "9.9.9";

        _server.ReplaceSilently("services", lost);
        _server.Compact();
        _server.DropWatches();

        await Until(() => state.Services.Get("default", "web")!.Metadata!.Labels!["version"] == "9.9.9");
        Assert.Equal(2, _server.Requests.Count(r => r == "GET /api/v1/services?limit=2"));
        Assert.Contains(Logger.Collector.GetSnapshot(), r => r.Id.Id == EventIds.KubeGone);
    }

    [Fact]
    public async Task Run_WatchErrorEvent_ReconnectsAndKeepsApplying()
    {
        var state = Start<KubeService>(KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        await Until(() => state.Synced && _server.OpenWatches == 1);

        _server.SendError(500, "InternalError");
        await Until(() => _server.Requests.Count(r => r.StartsWith("GET /api/v1/services?watch=true", StringComparison.Ordinal)) == 2 && _server.OpenWatches == 1);
        _server.Delete("services", "default", "api");

        await Until(() => state.Services.Get("default", "api") is null);
        await Until(() => state.Problems.Count == 0);
    }

    [Fact]
    public async Task Run_Forbidden_ReportsTheRuleToAddLogsItOnceAndRecoversWhenGranted()
    {
        _server.Forbid("endpointslices");
        var state = StartAll();

        await Until(() => state.Problems.Count == 1 && _server.Requests.Count(r => r.StartsWith("GET /apis/discovery.k8s.io", StringComparison.Ordinal)) >= 3);

        var problem = Assert.Single(state.Problems);
        Assert.True(problem.Forbidden);
        Assert.Contains("{apiGroups: [\"discovery.k8s.io\"], resources: [\"endpointslices\"], verbs: [\"list\", \"watch\"]}", problem.Error, StringComparison.Ordinal);
        Assert.False(state.Synced);
        var logged = Assert.Single(Logger.Collector.GetSnapshot(), r => r.Id.Id == EventIds.KubeForbidden);
        Assert.Contains("resources: [\"endpointslices\"]", logged.Message, StringComparison.Ordinal);

        _server.Allow("endpointslices");

        await Until(() => state.Synced && state.Problems.Count == 0);
        Assert.Equal(6, state.Slices.Count);
    }

    [Fact]
    public async Task Run_ServerUnreachable_FailsWithBackoffThenRecovers()
    {
        var state = new ClusterState(1);
        var config = KubeApiClient.LoadConfig(_server.WriteKubeconfig(_dir, token: "wrong"), out _)!;
        using var client = new KubeApiClient(config, TimeSpan.FromSeconds(30));
        _running.Add(new ResourceWatcher<KubeNode>(client, state, KubeResource.Nodes, null, KubeJsonContext.Default.KubeListKubeNode, Options, TimeProvider.System, Logger).RunAsync(_stop.Token));

        await Until(() => state.Problems.Count == 1);

        Assert.True(state.Problems[0].Forbidden, "401 is reported like 403: the credentials are not allowed");
    }

    [Fact]
    public async Task Run_ServerEndsEveryWatchAtOnce_ReopensWithCappedBackoffNotInATightLoop()
    {
        _server.EndWatchesAtOnce = true;
        var state = Start<KubeService>(KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        await Until(() => state.Synced && WatchRequests() >= 3);

        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        // Waits of 50, 100, 200, then 400 ms (capped), each x [0.5, 1.5): at most about 18 reopenings in 3 s; a
        // loop without backoff makes thousands. Logged once, not per reopening.
        Assert.InRange(WatchRequests(), 3, 25);
        Assert.Single(Logger.Collector.GetSnapshot(), r => r.Id.Id == EventIds.KubeWatchEndedAtOnce);

        _server.EndWatchesAtOnce = false;
        _server.Delete("services", "default", "api");
        await Until(() => state.Services.Get("default", "api") is null && _server.OpenWatches == 1);
        Assert.Single(_server.Requests, r => r == "GET /api/v1/services?limit=2");

        int WatchRequests() => _server.Requests.Count(r => r.StartsWith("GET /api/v1/services?watch=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Resync_RelistsPeriodicallyAndRepairsMissedChanges()
    {
        Options = Options with { Resync = TimeSpan.FromSeconds(1) };
        var state = Start<KubeService>(KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        await Until(() => state.Synced);
        var lost = KubeFixtures.Find("services", "default", "web");
        lost["metadata"]!["labels"]!["version"] = "3.0.0";

        _server.ReplaceSilently("services", lost);

        await Until(() => state.Services.Get("default", "web")!.Metadata!.Labels!["version"] == "3.0.0");
        Assert.True(_server.Requests.Count(r => r == "GET /api/v1/services?limit=2") >= 2);
    }

    [Fact]
    public async Task Run_Namespaced_ListsAndWatchesOnlyThatNamespace()
    {
        var state = new ClusterState(1);
        _running.Add(new ResourceWatcher<KubeService>(_client, state, KubeResource.Services, "team-b", KubeJsonContext.Default.KubeListKubeService, Options, TimeProvider.System, Logger).RunAsync(_stop.Token));

        await Until(() => state.Synced && _server.OpenWatches == 1);
        _server.Modify("services", KubeFixtures.Find("services", "default", "api"));
        var b = KubeFixtures.Find("services", "team-b", "web");
        b["metadata"]!["name"] = "web2";
        _server.Add("services", b);

        await Until(() => state.Services.Get("team-b", "web2") is not null);
        Assert.Equal(["team-b"], state.Services.Items.Select(s => s.Metadata!.Namespace).Distinct());
        Assert.All(_server.Requests, r => Assert.StartsWith("GET /api/v1/namespaces/team-b/services?", r, StringComparison.Ordinal));
    }

    private ClusterState StartAll()
    {
        var state = new ClusterState(4);
        Add(state, KubeResource.Services, KubeJsonContext.Default.KubeListKubeService);
        Add(state, KubeResource.EndpointSlices, KubeJsonContext.Default.KubeListKubeEndpointSlice);
        Add(state, KubeResource.Pods, KubeJsonContext.Default.KubeListKubePod);
        Add(state, KubeResource.Nodes, KubeJsonContext.Default.KubeListKubeNode);
        return state;
    }

    private ClusterState Start<T>(KubeResource resource, System.Text.Json.Serialization.Metadata.JsonTypeInfo<KubeList<T>> type)
        where T : class, IKubeObject
    {
        var state = new ClusterState(1);
        Add(state, resource, type);
        return state;
    }

    private void Add<T>(ClusterState state, KubeResource resource, System.Text.Json.Serialization.Metadata.JsonTypeInfo<KubeList<T>> type)
        where T : class, IKubeObject =>
        _running.Add(new ResourceWatcher<T>(_client, state, resource, null, type, Options, TimeProvider.System, Logger).RunAsync(_stop.Token));

    private async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time; requests:\n" + string.Join("\n", _server.Requests)
                + "\nlogs:\n" + string.Join("\n", Logger.Collector.GetSnapshot().Select(r => r.Message)));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
