using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Sidecar.Replication;

namespace Sidecar.Agent.Sources;

/// <summary>
/// Knows, for every source, whether its records are confirmed since start-up. After a restart every persisted
/// source is stale until its writer confirms it again (for the local source: the first local write or heartbeat).
/// Answers use this for <c>X-Sidecar-Age</c> and <c>X-Sidecar-Stale</c>.
/// </summary>
internal sealed class SourceTracker : IDisposable
{
    private static readonly string[] s_ages = [.. Enumerable.Range(0, 128).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly ConcurrentDictionary<string, SourceStatus> _sources = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly string _localSource;
    private readonly IDisposable _subscription;

    public SourceTracker(Replica replica, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _localSource = replica.LocalSource;
        _sources[_localSource] = new SourceStatus(_localSource, SourceState.Fresh, timeProvider.GetUtcNow(), null, [replica.NodeName]);
        _subscription = replica.Subscribe(changes =>
        {
            if (changes.LocalActivity)
            {
                Confirm(_localSource);
            }
        });
    }

    /// <summary>Marks the sources of persisted records stale, with the time their writer was last heard from.</summary>
    public void MarkRestored(IEnumerable<string> sources, DateTimeOffset lastSuccess)
    {
        foreach (var source in sources)
        {
            _sources[source] = new SourceStatus(source, SourceState.Stale, lastSuccess, "not confirmed since the agent restarted",
                _sources.TryGetValue(source, out var known) ? known.Owners : []);
        }
    }

    public void Confirm(string source)
    {
        var now = _timeProvider.GetUtcNow();
        _sources.AddOrUpdate(source, s => new SourceStatus(s, SourceState.Fresh, now, null, []),
            (_, old) => old with { State = SourceState.Fresh, LastSuccess = now, LastError = null });
    }

    /// <summary>A source's writer failed to confirm it (e.g. an upstream is down): it turns stale, keeping its last success.</summary>
    public void Fail(string source, string error) =>
        _sources.AddOrUpdate(source, s => new SourceStatus(s, SourceState.Stale, null, error, []),
            (_, old) => old with { State = old.State == SourceState.Offline ? SourceState.Offline : SourceState.Stale, LastError = error });

    /// <summary>Sets a source's state and note as they are (e.g. a configured source that is not available).</summary>
    public void Report(string source, SourceState state, string? error, IReadOnlyList<string> owners) =>
        _sources.AddOrUpdate(source, s => new SourceStatus(s, state, null, error, owners),
            (_, old) => old with { State = state, LastError = error, Owners = owners });

    /// <summary>Sets who writes a source (its owners).</summary>
    public void SetOwners(string source, IReadOnlyList<string> owners) =>
        _sources.AddOrUpdate(source, s => new SourceStatus(s, SourceState.Stale, null, "not pulled yet", owners),
            (_, old) => old with { Owners = owners });
    /// <summary>Forgets a source whose records were dropped (its agent is dead or left).</summary>
    public void Remove(string source) => _sources.TryRemove(source, out _);

    public IReadOnlyList<SourceStatus> All => [.. _sources.Values.OrderBy(s => s.Source, StringComparer.Ordinal)];

    /// <summary>
    /// The answer's age (seconds since its least recently confirmed source was confirmed; 0 when all are fresh)
    /// and whether any source is stale or offline.
    /// </summary>
    public (string Age, bool Stale) Describe(ImmutableArray<string> sources)
    {
        var stale = false;
        long age = 0;
        foreach (var source in sources)
        {
            if (_sources.TryGetValue(source, out var status) && status.State != SourceState.Fresh)
            {
                stale = true;
                var seconds = status.LastSuccess is { } last ? (long)(_timeProvider.GetUtcNow() - last).TotalSeconds : long.MaxValue;
                age = Math.Max(age, Math.Max(seconds, 0));
            }
        }

        return (age < s_ages.Length ? s_ages[age] : age.ToString(CultureInfo.InvariantCulture), stale);
    }

    public void Dispose() => _subscription.Dispose();
}
