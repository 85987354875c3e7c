using System.Text.Json;
using System.Threading.Channels;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Watch;

/// <summary>
/// Turns the replica's instance changes into Service-Center watch events and routes each to the watchers of the
/// consumers that depend on the provider (spec 6). Each watcher has a bounded queue; on overflow the oldest event
/// is dropped, as Service-Center does.
/// </summary>
internal sealed class WatchHub : IDisposable
{
    /// <summary>Service-Center's per-subscriber queue length.</summary>
    public const int QueueLength = 5000;

    private readonly Lock _lock = new();
    private readonly Dictionary<ServiceRef, List<Channel<byte[]>>> _watchers = [];
    private readonly IDisposable _subscription;

    public WatchHub(Replica replica) => _subscription = replica.Subscribe(OnChanges);

    public ChannelReader<byte[]> Add(ServiceRef consumer)
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueLength)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            if (!_watchers.TryGetValue(consumer, out var list))
            {
                _watchers[consumer] = list = [];
            }

            list.Add(channel);
        }

        return channel.Reader;
    }

    public void Remove(ServiceRef consumer, ChannelReader<byte[]> reader)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(consumer, out var list))
            {
                list.RemoveAll(c => c.Reader == reader);
                if (list.Count == 0)
                {
                    _watchers.Remove(consumer);
                }
            }
        }
    }

    /// <summary>How many watch sockets of <paramref name="consumer"/> are registered (tests wait on it).</summary>
    internal int CountWatchers(ServiceRef consumer)
    {
        lock (_lock)
        {
            return _watchers.TryGetValue(consumer, out var list) ? list.Count : 0;
        }
    }

    /// <summary>Open watch sockets of every consumer (metric <c>sidecar_watch_sessions</c>).</summary>
    public int Sessions
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Values.Sum(l => l.Count);
            }
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnChanges(ReplicaChangeSet changes)
    {
        lock (_lock)
        {
            if (_watchers.Count == 0)
            {
                return;
            }
        }

        foreach (var change in changes.Changes)
        {
            if (change.After.Key.Kind == RecordKind.Service && !changes.After.Services.ContainsKey(change.After.Key.Service))
            {
                // Service-Center closes the watch of a service that is deleted.
                CloseWatchers(change.After.Key.Service);
            }
            else if (change.After.Key.Kind == RecordKind.Instance && EventOf(change, changes) is var (consumers, payload) && payload is not null)
            {
                Publish(change.After.Key.Service, consumers, payload);
            }
        }
    }

    private static (IEnumerable<string> Consumers, byte[]? Payload) EventOf(RecordChange change, ReplicaChangeSet changes)
    {
        var before = change.Before?.Value as MicroServiceInstance;
        var after = change.After.Value as MicroServiceInstance;
        var instance = after ?? before;
        var service = change.After.Key.Service;
        var provider = changes.After.Services.GetValueOrDefault(service) ?? changes.Before.Services.GetValueOrDefault(service);
        if (instance is null || provider is null)
        {
            return ([], null);
        }

        var action = before is null ? "CREATE" : after is null ? "DELETE" : "UPDATE";
        var key = new MicroServiceKey
        {
            Tenant = service.Domain + "/" + service.Project,
            Environment = provider.Service.Environment,
            AppId = provider.Service.AppId,
            ServiceName = provider.Service.ServiceName,
            Alias = provider.Service.Alias,
            Version = provider.Service.Version,
        };
        var consumers = changes.After.Consumers.GetValueOrDefault(provider.NameKey)
            ?? changes.Before.Consumers.GetValueOrDefault(provider.NameKey);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new WatchEvent(action, key, instance), SidecarJsonContext.Default.WatchEvent);
        return (consumers ?? [], payload);
    }

    private void CloseWatchers(ServiceRef consumer)
    {
        lock (_lock)
        {
            foreach (var channel in _watchers.GetValueOrDefault(consumer) ?? [])
            {
                channel.Writer.TryComplete();
            }
        }
    }

    private void Publish(ServiceRef provider, IEnumerable<string> consumers, byte[] payload)
    {
        lock (_lock)
        {
            foreach (var consumer in consumers)
            {
                if (_watchers.TryGetValue(new ServiceRef(provider.Domain, provider.Project, consumer), out var list))
                {
                    foreach (var channel in list)
                    {
                        channel.Writer.TryWrite(payload);
                    }
                }
            }
        }
    }
}
