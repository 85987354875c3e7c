namespace Sidecar.Kubernetes.Source;

/// <summary>
/// The current objects of one kind, keyed by namespace/name, as the watcher last saw them. A relist replaces the
/// whole store (that is what repairs anything a watch missed). Not thread-safe: <see cref="ClusterState"/> locks.
/// </summary>
internal sealed class ObjectStore<T>
    where T : class, IKubeObject
{
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);

    public IReadOnlyCollection<T> Items => _items.Values;

    public int Count => _items.Count;

    public T? Get(string? ns, string? name) => name is null ? null : _items.GetValueOrDefault(Key(ns, name));

    /// <summary>Replaces the objects of one namespace (<paramref name="ns"/> null: all of them) with a fresh list.</summary>
    public void Replace(string? ns, IEnumerable<T> items)
    {
        if (ns is null)
        {
            _items.Clear();
        }
        else
        {
            foreach (var key in _items.Where(p => p.Value.Metadata?.Namespace == ns).Select(p => p.Key).ToList())
            {
                _items.Remove(key);
            }
        }

        foreach (var item in items)
        {
            Upsert(item);
        }
    }

    /// <summary>Applies a watch event; false when it changed nothing (e.g. a resync MODIFIED with the same resourceVersion).</summary>
    public bool Apply(WatchEventType type, T item)
    {
        if (item.Metadata?.Name is null)
        {
            return false;
        }

        if (type == WatchEventType.Deleted)
        {
            return _items.Remove(Key(item.Metadata.Namespace, item.Metadata.Name));
        }

        var key = Key(item.Metadata.Namespace, item.Metadata.Name);
        if (_items.TryGetValue(key, out var current) && current.Metadata?.ResourceVersion is { } rv && rv == item.Metadata.ResourceVersion)
        {
            return false;
        }

        _items[key] = item;
        return true;
    }

    private void Upsert(T item)
    {
        if (item.Metadata?.Name is { } name)
        {
            _items[Key(item.Metadata.Namespace, name)] = item;
        }
    }

    private static string Key(string? ns, string name) => ns is null ? name : ns + "/" + name;
}
