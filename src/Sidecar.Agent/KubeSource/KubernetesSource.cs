using Sidecar.Agent.Sources;
using Sidecar.Agent.Upstreams;
using Sidecar.Kubernetes.Source;
using Sidecar.Replication;

namespace Sidecar.Agent.KubeSource;

/// <summary>
/// Source <c>k8s:&lt;cluster-name&gt;</c>: while this agent owns it (the K rendezvous owners with gossip, else always), it
/// lists and watches Services, EndpointSlices, Pods and Nodes and applies the mapped records to the replica in batches,
/// as a diff (<see cref="SourceDiff"/>: unchanged records are not rewritten, so a new owner that relists emits only the
/// difference; mass removals are held by self-preservation). Watch failures mark the source stale; RBAC denial marks it
/// offline with the rule to add. When ownership moves away the watches close and the records stay with the new owners.
/// </summary>
internal sealed partial class KubernetesSource
{
    private readonly KubeSourceOptions _options;
    private readonly string _clusterName;
    private readonly Replica _replica;
    private readonly SourceTracker _tracker;
    private readonly IUpstreamOwnership _ownership;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SourceDiff _diff;
    private readonly HashSet<string> _loggedNotes = new(StringComparer.Ordinal);

    public KubernetesSource(KubeSourceOptions options, string clusterName, Replica replica, SourceTracker tracker, IUpstreamOwnership ownership,
        TimeProvider timeProvider, TimeSpan interval, ILoggerFactory loggers)
    {
        _options = options;
        _clusterName = clusterName;
        _replica = replica;
        _tracker = tracker;
        _ownership = ownership;
        _timeProvider = timeProvider;
        _interval = interval;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KubernetesSource>();
        Source = "k8s:" + clusterName;
        _diff = new SourceDiff(Source, replica.NodeName);
    }

    public string Source { get; }

    /// <summary>Watches while this agent owns the source; stops and restarts as ownership moves; until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var ownershipChanged = new SemaphoreSlim(0);
        void OnOwnershipChanged(object? sender, EventArgs e) => ownershipChanged.Release();
        _ownership.OwnershipChanged += OnOwnershipChanged;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var owner = _ownership.IsOwner(Source);
                _tracker.SetOwners(Source, owner ? [_replica.NodeName] : []);
                if (!owner)
                {
                    await ownershipChanged.WaitAsync(cancellationToken);
                    continue;
                }

                Log.Owning(_logger, Source);
                using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var running = WatchAsync(session.Token);
                while (!running.IsCompleted && _ownership.IsOwner(Source))
                {
                    await Task.WhenAny(running, ownershipChanged.WaitAsync(cancellationToken));
                }

                await session.CancelAsync();
                if (!await EndedCleanlyAsync(running))
                {
                    // A bug, not the API server (watch failures are retried inside): start over after a pause.
                    await Task.Delay(TimeSpan.FromSeconds(5), _timeProvider, cancellationToken);
                    continue;
                }

                if (!cancellationToken.IsCancellationRequested && !_ownership.IsOwner(Source))
                {
                    Log.NotOwning(_logger, Source);
                }

                if (running.IsCompletedSuccessfully && _ownership.IsOwner(Source))
                {
                    // The configuration could not be read: nothing to retry until the agent restarts with other settings.
                    await ownershipChanged.WaitAsync(cancellationToken);
                }
            }
        }
        finally
        {
            _ownership.OwnershipChanged -= OnOwnershipChanged;
        }
    }

    /// <summary>One ownership period: fresh state, every watch relists (the first apply then emits only the difference).</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        k8s.KubernetesClientConfiguration? config;
        string? reason;
        try
        {
            config = KubeApiClient.LoadConfig(_options.KubeconfigPath, out reason);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or FormatException or InvalidOperationException
            or System.Security.Cryptography.CryptographicException or YamlDotNet.Core.YamlException)
        {
            (config, reason) = (null, $"the Kubernetes configuration cannot be used: {ex.Message}");
        }

        if (config is null)
        {
            _tracker.Report(Source, SourceState.Offline, reason, [_replica.NodeName]);
            Log.Unconfigured(_logger, Source, reason!);
            return;
        }

        using var client = new KubeApiClient(config, _options.RequestTimeout);
        var namespaces = _options.Namespaces.Count > 0 ? _options.Namespaces.Cast<string?>().ToList() : [null];
        var watchers = new List<Func<CancellationToken, Task>>();
        var state = new ClusterState(watchCount: (3 * namespaces.Count) + 1);
        var watchLogger = _loggers.CreateLogger("Sidecar.Kubernetes.Source.ResourceWatcher");
        foreach (var ns in namespaces)
        {
            watchers.Add(new ResourceWatcher<KubeService>(client, state, KubeResource.Services, ns, KubeJsonContext.Default.KubeListKubeService, _options, _timeProvider, watchLogger).RunAsync);
            watchers.Add(new ResourceWatcher<KubeEndpointSlice>(client, state, KubeResource.EndpointSlices, ns, KubeJsonContext.Default.KubeListKubeEndpointSlice, _options, _timeProvider, watchLogger).RunAsync);
            watchers.Add(new ResourceWatcher<KubePod>(client, state, KubeResource.Pods, ns, KubeJsonContext.Default.KubeListKubePod, _options, _timeProvider, watchLogger).RunAsync);
        }

        watchers.Add(new ResourceWatcher<KubeNode>(client, state, KubeResource.Nodes, null, KubeJsonContext.Default.KubeListKubeNode, _options, _timeProvider, watchLogger).RunAsync);
        Log.Watching(_logger, Source, client.Server, _options.Namespaces.Count == 0 ? "all namespaces" : string.Join(",", _options.Namespaces));

        var changed = new ChangeSignal();
        void OnChanged(object? sender, EventArgs e) => changed.Set();
        state.Changed += OnChanged;
        try
        {
            var running = watchers.Select(w => w(cancellationToken)).ToList();
            await Task.WhenAll(running.Append(ApplyLoopAsync(state, changed, cancellationToken)));
        }
        finally
        {
            state.Changed -= OnChanged;
        }
    }

    /// <summary>Waits for changes, lets a batch accumulate, applies it; at least every interval (stale marking, held removals).</summary>
    private async Task ApplyLoopAsync(ClusterState state, ChangeSignal changed, CancellationToken cancellationToken)
    {
        long applied = -1;
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(changed.Task, Task.Delay(_interval, _timeProvider, wait.Token));
                await wait.CancelAsync();
            }

            // Re-armed before reading the state: a change from now on wakes the next round.
            changed.Reset();
            await Task.Delay(_options.BatchWindow, _timeProvider, cancellationToken);
            applied = await PublishAsync(state, applied, cancellationToken);
        }
    }

    /// <summary>Applies the current mapping if it changed since <paramref name="applied"/>; returns the state version applied.</summary>
    internal async Task<long> PublishAsync(ClusterState state, long applied, CancellationToken cancellationToken)
    {
        var problems = state.Problems;
        if (problems.FirstOrDefault(p => p.Forbidden) is { } forbidden)
        {
            _tracker.Report(Source, SourceState.Offline, forbidden.Error, [_replica.NodeName]);
        }
        else if (problems.Count > 0)
        {
            _tracker.Fail(Source, string.Join("; ", problems.Select(p => $"{p.Watch}: {p.Error}")));
        }

        if (!state.Synced)
        {
            return applied;
        }

        var (version, mapping) = state.Read(s => (s.Version, version: s.Version == applied ? null : SourceMapper.Map(s, _clusterName)));
        if (mapping is not null)
        {
            foreach (var note in mapping.Notes.Where(_loggedNotes.Add))
            {
                Log.Skipped(_logger, Source, note);
            }

            var pulled = mapping.Services.ToDictionary(p => p.Key, p => new PulledService(p.Value.Service, p.Value.Instances), StringComparer.Ordinal);
            var result = await _replica.WriteAsync(writer => _diff.Apply(writer, _replica, pulled), cancellationToken);
            foreach (var conflict in result.Conflicts)
            {
                Log.Conflict(_logger, Source, conflict);
            }

            if (result.HeldRemovals > 0)
            {
                // Held by self-preservation: apply again next time even if nothing changes, to confirm or release it.
                Log.SelfPreservation(_logger, Source, result.HeldRemovals);
                version = -1;
            }
            else if (result.Written + result.Removed > 0)
            {
                Log.Applied(_logger, Source, mapping.Services.Count, result.Written, result.Removed);
            }
        }

        if (problems.Count == 0)
        {
            _tracker.Confirm(Source);
        }

        return version;
    }

    /// <summary>A re-armable "something changed" flag that never loses a change (unlike an abandoned semaphore wait).</summary>
    private sealed class ChangeSignal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => Volatile.Read(ref _current).Task;

        public void Set() => Volatile.Read(ref _current).TrySetResult();

        public void Reset() => Volatile.Write(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Awaits a session; false (logged) when it failed with anything but cancellation.</summary>
    private async Task<bool> EndedCleanlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.SessionFailed(_logger, Source, ex);
            return false;
        }

        return true;
    }
}
