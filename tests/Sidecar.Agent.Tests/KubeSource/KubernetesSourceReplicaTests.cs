using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.KubeSource;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Upstreams;
using Sidecar.Kubernetes.Source;
using Sidecar.Kubernetes.Tests.Infrastructure;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.KubeSource;

/// <summary>
/// The source in process against the simulated API server, with real replicas: what reaches the replica, and how often
/// (batches, not one publish per watch event), and what a new owner writes when it takes over.
/// </summary>
public sealed class KubernetesSourceReplicaTests : IAsyncLifetime
{
    private const string Source = "k8s:prod-eu";
    private readonly string _dir = Directory.CreateTempSubdirectory("sidecar-k8s-replica-").FullName;
    private readonly List<(CancellationTokenSource Stop, Task Run)> _running = [];
    private readonly List<IAsyncDisposable> _disposables = [];
    private FakeApiServer _server = null!;
    private KubeSourceOptions _options = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync(requiredToken: "t");
        _options = new KubeSourceOptions { KubeconfigPath = _server.WriteKubeconfig(_dir, token: "t"), InitialBackoff = TimeSpan.FromMilliseconds(50) };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, _) in _running)
        {
            await stop.CancelAsync();
        }

        foreach (var (stop, run) in _running)
        {
            await Quietly(run);
            stop.Dispose();
        }

        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Burst_OfWatchEvents_IsAppliedInAFewReplicaBatchesNotOnePublishPerEvent()
    {
        const int pods = 100;
        SyntheticCluster.Seed(_server, services: 1, endpointsPerService: 1);
        var (replica, _) = await StartAsync("node-a", new SwitchOwnership(true));
        await Until(() => InstancesOf(replica).Count == 1);
        var batches = 0;
        var changes = 0;
        using var subscription = replica.Subscribe(set =>
        {
            var k8s = set.Changes.Count(c => c.After.Key.Source == Source);
            batches += k8s > 0 ? 1 : 0;
            changes += k8s;
        });

        // 200 watch events in a burst: a pod ADDED, then the slice MODIFIED to list it, 100 times.
        for (var e = 1; e <= pods; e++)
        {
            _server.Add("pods", SyntheticCluster.Pod(0, e));
            _server.Modify("endpointslices", SyntheticCluster.Slice(0, 0, Enumerable.Range(0, e + 1)));
        }

        await Until(() => InstancesOf(replica).Count == pods + 1);
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ct);

        TestContext.Current.SendDiagnosticMessage($"{2 * pods} watch events -> {Volatile.Read(ref batches)} replica batches, {Volatile.Read(ref changes)} record changes");
        Assert.Equal(pods, Volatile.Read(ref changes));
        // One publish per event would be 200 (or 100 counting only the slice events); the 200 ms window gives 1-3.
        Assert.InRange(Volatile.Read(ref batches), 1, 10);
    }

    [Fact]
    public async Task OwnershipHandover_NewOwnerRelistsAndWritesOnlyTheDifference_OldOwnerClosesItsWatches()
    {
        foreach (var resource in new[] { "services", "endpointslices", "pods", "nodes" })
        {
            _server.Seed(resource, JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "KubeSource", resource + ".json")))!["items"]!.AsArray());
        }

        var ownerA = new SwitchOwnership(true);
        var (a, trackerA) = await StartAsync("node-a", ownerA);
        await Until(() => InstancesOf(a).Count > 0 && _server.OpenWatches == 4);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        var total = InstancesOf(a).Count;
        var listsBefore = _server.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal));

        // Node B holds A's records, as gossip would have delivered them, and does not own the source yet.
        var ownerB = new SwitchOwnership(false);
        var (b, trackerB) = await StartAsync("node-b", ownerB);
        var gossiped = await a.WriteAsync(w => w.RecordsOf(Source).ToList(), Ct);
        await b.MergeAsync(gossiped, RecordOrigin.Gossip, Ct);
        Assert.Equal(total, InstancesOf(b).Count);
        var written = new ConcurrentQueue<RecordChange>();
        using var subscription = b.Subscribe(set =>
        {
            foreach (var change in set.Changes.Where(c => c.After.Key.Source == Source))
            {
                written.Enqueue(change);
            }
        });

        // Ownership moves from A to B; meanwhile one pod left the web Service.
        ownerA.Set(false);
        await Until(() => _server.OpenWatches == 0 && trackerA.All.Single(s => s.Source == Source).Owners.Count == 0);
        var slice = FakeSlice("web-m3n5t");
        slice["endpoints"] = new JsonArray(slice["endpoints"]![1]!.DeepClone());
        _server.Modify("endpointslices", slice);
        ownerB.Set(true);

        await Until(() => InstancesOf(b).Count == total - 1 && _server.OpenWatches == 4);
        await Task.Delay(TimeSpan.FromMilliseconds(800), Ct);

        // B relisted every kind and wrote one tombstone: the instance of the pod that left, nothing else.
        Assert.Equal(4, _server.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal)) - listsBefore);
        var change = Assert.Single(written);
        Assert.True(change.After.IsTombstone);
        Assert.Equal(RecordKind.Instance, change.After.Key.Kind);
        Assert.Equal(["node-b"], trackerB.All.Single(s => s.Source == Source).Owners);
        Assert.Equal(total, InstancesOf(a).Count);
    }

    private async Task<(Replica Replica, SourceTracker Tracker)> StartAsync(string node, SwitchOwnership ownership)
    {
        var replica = new Replica(node, TimeProvider.System);
        replica.Start();
        var tracker = new SourceTracker(replica, TimeProvider.System);
        _disposables.Add(replica);
        var source = new KubernetesSource(_options, "prod-eu", replica, tracker, ownership, TimeProvider.System, TimeSpan.FromSeconds(1), NullLoggerFactory.Instance);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _running.Add((stop, source.RunAsync(stop.Token)));
        await Task.Yield();
        return (replica, tracker);
    }

    private JsonObject FakeSlice(string name) => _server.Get("endpointslices", "default", name);

    private static List<InstanceView> InstancesOf(Replica replica) =>
        [.. replica.Snapshot.Services.Values.SelectMany(s => s.Instances).Where(i => i.Source == Source)];

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Ownership the test moves by hand, raising the event the source listens to.</summary>
    private sealed class SwitchOwnership(bool owner) : IUpstreamOwnership
    {
        private volatile bool _owner = owner;

        public event EventHandler? OwnershipChanged;

        public bool IsOwner(string source) => _owner;

        public void Set(bool owner)
        {
            _owner = owner;
            OwnershipChanged?.Invoke(this, EventArgs.Empty);
        }
    }
}
