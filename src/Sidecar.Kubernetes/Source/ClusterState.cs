namespace Sidecar.Kubernetes.Source;

/// <summary>
/// What the watchers have seen of the cluster: Services, EndpointSlices, Pods and Nodes, and how each watch is doing.
/// Watchers write from their own tasks; the source maps under the same lock. <see cref="Version"/> counts changes so
/// that a batch is only mapped when something changed, and <see cref="Changed"/> wakes the source.
/// </summary>
internal sealed class ClusterState(int watchCount)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _synced = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WatchProblem> _problems = new(StringComparer.Ordinal);

    public ObjectStore<KubeService> Services { get; } = new();

    public ObjectStore<KubeEndpointSlice> Slices { get; } = new();

    public ObjectStore<KubePod> Pods { get; } = new();

    public ObjectStore<KubeNode> Nodes { get; } = new();

    /// <summary>Incremented on every change.</summary>
    public long Version { get; private set; }

    /// <summary>Raised after a change, outside the lock (the source batches what follows).</summary>
    public event EventHandler? Changed;

    /// <summary>True once every watch has listed: before that a mapping would miss instances and remove them.</summary>
    public bool Synced
    {
        get
        {
            lock (_lock)
            {
                return _synced.Count >= watchCount;
            }
        }
    }

    /// <summary>The failing watches, by watch name (e.g. <c>pods in team-a</c>).</summary>
    public IReadOnlyList<WatchProblem> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems.Values.OrderBy(p => p.Watch, StringComparer.Ordinal)];
            }
        }
    }

    public ObjectStore<T> Store<T>()
        where T : class, IKubeObject =>
        (ObjectStore<T>)(object)(typeof(T) == typeof(KubeService) ? Services
            : typeof(T) == typeof(KubeEndpointSlice) ? Slices
            : typeof(T) == typeof(KubePod) ? Pods
            : Nodes);

    /// <summary>A fresh list for one watch: replaces its namespace's objects.</summary>
    public void Replace<T>(string watch, string? ns, IEnumerable<T> items)
        where T : class, IKubeObject
    {
        lock (_lock)
        {
            Store<T>().Replace(ns, items);
            _synced.Add(watch);
            _problems.Remove(watch);
            Version++;
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public void Apply<T>(WatchEventType type, T item)
        where T : class, IKubeObject
    {
        bool changed;
        lock (_lock)
        {
            changed = Store<T>().Apply(type, item);
            Version += changed ? 1 : 0;
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    public void Fail(string watch, WatchProblem problem)
    {
        lock (_lock)
        {
            _problems[watch] = problem;
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public void Recover(string watch)
    {
        bool removed;
        lock (_lock)
        {
            removed = _problems.Remove(watch);
        }

        if (removed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view (no watcher writes meanwhile).</summary>
    public TResult Read<TResult>(Func<ClusterState, TResult> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_lock)
        {
            return read(this);
        }
    }
}

/// <summary>Why a watch is not working; <see cref="Forbidden"/> when RBAC denied it (the source is then offline).</summary>
internal sealed record WatchProblem(string Watch, string Error, bool Forbidden);
