using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Sidecar.Kubernetes.Source;

/// <summary>
/// List + watch of one kind (in one namespace, or all): lists page by page, then watches from the list's
/// resourceVersion with bookmarks; a watch that ends is reopened from the last resourceVersion seen; 410 Gone means a
/// full relist; failures reconnect after a capped, jittered backoff; every <see cref="KubeSourceOptions.Resync"/> the
/// kind is relisted anyway. client-go's reflector, written by hand because the .NET client has no informer.
/// </summary>
internal sealed partial class ResourceWatcher<T>
    where T : class, IKubeObject
{
    private readonly KubeApiClient _client;
    private readonly ClusterState _state;
    private readonly KubeResource _resource;
    private readonly string? _namespace;
    private readonly JsonTypeInfo<KubeList<T>> _listType;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly KubeSourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private string? _resourceVersion;
    private bool _forbiddenLogged;
    private bool _failing;
    private bool _endedAtOnce;

    /// <summary>A watch that the server ends sooner than this without being asked counts as a failure (backoff).</summary>
    private static readonly TimeSpan s_minWatchLife = TimeSpan.FromSeconds(1);

    public ResourceWatcher(KubeApiClient client, ClusterState state, KubeResource resource, string? ns, JsonTypeInfo<KubeList<T>> listType,
        KubeSourceOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _state = state;
        _resource = resource;
        _namespace = resource.Namespaced ? ns : null;
        _listType = listType;
        _itemType = (JsonTypeInfo<T>)KubeJsonContext.Default.GetTypeInfo(typeof(T))!;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        Name = _namespace is null ? resource.Resource : $"{resource.Resource} in {_namespace}";
    }

    /// <summary>Where the next watch resumes: the last resourceVersion of a list, event or bookmark (null before the first list).</summary>
    public string? ResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>e.g. <c>pods in team-a</c>: names the watch in logs and in the source's status.</summary>
    public string Name { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var relistAt = DateTimeOffset.MinValue;
        var backoff = _options.InitialBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null || _timeProvider.GetUtcNow() >= relistAt)
                {
                    await ListAsync(cancellationToken);
                    relistAt = _timeProvider.GetUtcNow() + _options.Resync;
                    Recovered();
                }

                // The watch ends by itself at the next relist, so a quiet cluster still resyncs on time.
                using var untilResync = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                untilResync.CancelAfter(Max(relistAt - _timeProvider.GetUtcNow(), TimeSpan.FromMilliseconds(1)));
                var opened = _timeProvider.GetTimestamp();
                await WatchAsync(untilResync.Token, cancellationToken);
                if (_timeProvider.GetElapsedTime(opened) < s_minWatchLife && _timeProvider.GetUtcNow() < relistAt && !cancellationToken.IsCancellationRequested)
                {
                    // Ended cleanly but at once (a proxy with a zero timeout, an overloaded server): reopening it at once
                    // would hammer the API server, so this counts as a failure for the backoff.
                    var delay = Backoff.Jitter(backoff, Random.Shared.NextDouble());
                    if (!_endedAtOnce)
                    {
                        _endedAtOnce = true;
                        Log.EndedAtOnce(_logger, Name, _client.Server.ToString(), delay);
                    }

                    await Task.Delay(delay, _timeProvider, cancellationToken);
                    backoff = Backoff.Next(backoff, _options.MaxBackoff);
                    continue;
                }

                _endedAtOnce = false;
                backoff = _options.InitialBackoff;
            }
            catch (KubeApiException ex) when (ex.IsGone)
            {
                Log.Gone(_logger, Name, ResourceVersion ?? "");
                Volatile.Write(ref _resourceVersion, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex))
            {
                // A broken watch resumes from the last version it applied: nothing is replayed twice or missed.
                Failed(ex);
                await Task.Delay(Backoff.Jitter(backoff, Random.Shared.NextDouble()), _timeProvider, cancellationToken);
                backoff = Backoff.Next(backoff, _options.MaxBackoff);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                // Stopping (ownership moved, shutdown): a request cut short can surface as an I/O error; it is still a
                // stop, not a failure the source should log and pause for.
                throw new OperationCanceledException("the watch was stopped", ex, cancellationToken);
            }
        }
    }

    /// <summary>Lists every page and replaces the kind's objects; the watch resumes from the list's resourceVersion.</summary>
    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? next = null;
        string? resourceVersion;
        do
        {
            var page = await _client.ListAsync(_resource, _namespace, next, _options.PageSize, _listType, cancellationToken);
            items.AddRange(page.Items ?? []);
            resourceVersion = page.Metadata?.ResourceVersion;
            next = page.Metadata?.Continue is { Length: > 0 } token ? token : null;
        }
        while (next is not null);

        _ = resourceVersion ?? throw new JsonException($"the {_resource.Resource} list has no metadata.resourceVersion");
        _state.Replace(Name, _namespace, items);
        Volatile.Write(ref _resourceVersion, resourceVersion);
        Log.Listed(_logger, Name, items.Count, resourceVersion);
    }

    /// <summary>Applies a watch stream until it ends, keeping <see cref="ResourceVersion"/> at the last event or bookmark.</summary>
    private async Task WatchAsync(CancellationToken untilResync, CancellationToken stopping)
    {
        try
        {
            using var response = await _client.WatchAsync(_resource, _namespace, ResourceVersion!, untilResync);
            Recovered();
            await using var body = await response.Content.ReadAsStreamAsync(untilResync);
            using var reader = new StreamReader(body);
            while (await reader.ReadLineAsync(untilResync) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var watchEvent = JsonSerializer.Deserialize(line, KubeJsonContext.Default.KubeWatchEvent) ?? throw new JsonException("empty watch event");
                if (Handle(watchEvent) is { } resourceVersion)
                {
                    Volatile.Write(ref _resourceVersion, resourceVersion);
                }
            }
        }
        catch (OperationCanceledException) when (untilResync.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // Time to relist.
        }
    }

    private string? Handle(KubeWatchEvent watchEvent)
    {
        switch (watchEvent.Type)
        {
            case "ADDED" or "MODIFIED" or "DELETED":
                var item = watchEvent.Object.Deserialize(_itemType) ?? throw new JsonException($"watch {watchEvent.Type} without an object");
                _state.Apply(watchEvent.Type switch { "ADDED" => WatchEventType.Added, "MODIFIED" => WatchEventType.Modified, _ => WatchEventType.Deleted }, item);
                return item.Metadata?.ResourceVersion;
            case "BOOKMARK":
                // Only metadata.resourceVersion is meaningful: where to resume without replaying anything.
                return watchEvent.Object.Deserialize(_itemType)?.Metadata?.ResourceVersion;
            case "ERROR":
                var status = watchEvent.Object.Deserialize(KubeJsonContext.Default.KubeStatus);
                throw new KubeApiException((System.Net.HttpStatusCode)(status?.Code ?? 500), $"watch {Name} ended with ERROR {status?.Code}: {status?.Reason} {status?.Message}");
            default:
                return null;
        }
    }

    private void Failed(Exception ex)
    {
        if (ex is KubeApiException { IsForbidden: true } forbidden)
        {
            var rule = _resource.Rule.ToString();
            _state.Fail(Name, new WatchProblem(Name, $"forbidden: the agents' service account may not list/watch {_resource.Resource}; add this rule to their ClusterRole: {rule}", Forbidden: true));
            if (!_forbiddenLogged)
            {
                _forbiddenLogged = true;
                Log.Forbidden(_logger, Name, rule, forbidden.Message);
            }

            return;
        }

        _state.Fail(Name, new WatchProblem(Name, ex.Message, Forbidden: false));
        if (!_failing)
        {
            _failing = true;
            Log.WatchFailed(_logger, Name, _client.Server.ToString(), ex.Message);
        }
    }

    private void Recovered()
    {
        _state.Recover(Name);
        if (_failing || _forbiddenLogged)
        {
            _failing = false;
            _forbiddenLogged = false;
            Log.Recovered(_logger, Name);
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is HttpRequestException or IOException or KubeApiException or JsonException or OperationCanceledException;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
