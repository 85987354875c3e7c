using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client.Agent;

namespace Sidecar.Client.Discovery;

/// <summary>
/// Resolves one service name through the local agent. The first resolution asks the agent once; from then on a
/// background loop holds a blocking query (<c>index</c> + <c>wait</c>) open, so a change reaches the app as soon as the
/// agent publishes it: the new answer replaces the endpoints and fires the change token the library's watcher listens
/// to. No timer polls. When the agent cannot be reached the last answer stays in force (never an empty list), the
/// failure is logged and the query is retried with a growing delay.
/// </summary>
internal sealed partial class SidecarServiceEndpointProvider : IServiceEndpointProvider
{
    private static readonly TimeSpan s_minRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly string _serviceName;
    private readonly string? _endpointName;
    private readonly IReadOnlyList<string> _schemes;
    private readonly bool _includeAllSchemes;
    private readonly SidecarServiceEndpointProviderOptions _options;
    private readonly SidecarAgentClient _agent;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private State? _state;
    private Task<State>? _first;
    private Task _watch = Task.CompletedTask;

    public SidecarServiceEndpointProvider(
        ServiceEndpointQuery query,
        ServiceDiscoveryOptions discoveryOptions,
        SidecarServiceEndpointProviderOptions options,
        SidecarAgentClient agent,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _serviceName = query.ServiceName;
        _endpointName = query.EndpointName;
        _includeAllSchemes = discoveryOptions.AllowAllSchemes && query.IncludedSchemes.Count == 0;
        _schemes = discoveryOptions.ApplyAllowedSchemes(query.IncludedSchemes);
        _options = options;
        _agent = agent;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        // A provider registered before this one (e.g. configuration) overrides discovery.
        if (endpoints.Endpoints.Count != 0)
        {
            Log.Skipped(_logger, _serviceName);
            return;
        }

        var state = _state ?? await FirstAnswerAsync(cancellationToken).ConfigureAwait(false);
        foreach (var uri in EndpointMapper.FilterSchemes(state.Endpoints, _schemes, _includeAllSchemes))
        {
            var endpoint = EndpointMapper.ToServiceEndpoint(uri);
            endpoint.Features.Set<IServiceEndpointProvider>(this);
            endpoints.Endpoints.Add(endpoint);
        }

        endpoints.AddChangeToken(state.ChangeToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _disposing.Dispose();
    }

    public override string ToString() => "Sidecar";

    private async Task<State> FirstAnswerAsync(CancellationToken cancellationToken)
    {
        Task<State> first;
        lock (_lock)
        {
            first = _first ??= FetchFirstAsync();
        }

        try
        {
            return await first.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing to fall back on yet: the caller sees the failure, and the next resolution asks again.
            lock (_lock)
            {
                if (_first == first)
                {
                    _first = null;
                }
            }

            Log.FirstLookupFailed(_logger, _serviceName, _options.AgentAddress!, ex);
            throw;
        }
    }

    private async Task<State> FetchFirstAsync()
    {
        var answer = await _agent.GetInstancesAsync(_options.AgentAddress!, _serviceName, _options.AppId, _options.Environment, null, TimeSpan.Zero, _disposing.Token).ConfigureAwait(false);
        var state = Publish(answer);
        lock (_lock)
        {
            if (!_disposing.IsCancellationRequested)
            {
                _watch = WatchAsync(answer.Index, _disposing.Token);
            }
        }

        return state;
    }

    private async Task WatchAsync(long index, CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // After a failure the agent may have restarted and numbered its answers anew: an index equal to ours
                // would then block on a different answer. Ask without an index once, and compare what it says.
                var resync = failures > 0;
                var answer = await _agent.GetInstancesAsync(_options.AgentAddress!, _serviceName, _options.AppId, _options.Environment, resync ? null : index, SidecarClientDefaults.BlockingWait, cancellationToken).ConfigureAwait(false);
                if (resync)
                {
                    Log.AgentReachableAgain(_logger, _serviceName, _options.AgentAddress!, failures);
                    failures = 0;
                }

                if (answer.Index != index || (resync && !SameEndpoints(answer)))
                {
                    index = answer.Index;
                    Publish(answer);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or OperationCanceledException)
            {
                failures++;
                var delay = RetryDelay(failures);
                Log.AgentUnreachable(_logger, _serviceName, _options.AgentAddress!, _state?.Endpoints.Count ?? 0, delay.TotalSeconds, ex);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private bool SameEndpoints(AgentInstancesResponse answer) =>
        _state is { } state && state.Endpoints.SequenceEqual(EndpointMapper.Map(answer.Instances ?? [], _endpointName));

    private static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(s_maxRetry.Ticks, s_minRetry.Ticks << Math.Min(failures - 1, 10)));

    /// <summary>Makes <paramref name="answer"/> current and fires the token handed out with the previous one.</summary>
    private State Publish(AgentInstancesResponse answer)
    {
        var endpoints = EndpointMapper.Map(answer.Instances ?? [], _endpointName);
        var state = new State(answer, endpoints, new CancellationTokenSource());
        State? previous;
        lock (_lock)
        {
            previous = _state;
            _state = state;
        }

        Log.Resolved(_logger, _serviceName, answer.ServiceName, answer.Index, endpoints.Count);
        previous?.Changed.Cancel();
        return state;
    }

    private sealed record State(AgentInstancesResponse Answer, List<Uri> Endpoints, CancellationTokenSource Changed)
    {
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(Changed.Token);
    }
}
