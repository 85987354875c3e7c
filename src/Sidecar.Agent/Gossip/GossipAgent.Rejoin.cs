using Sidecar.Agent.Storage;
using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Rejoining by itself (Serf's snapshot and reconnect): the members seen are saved in the data dir; after a restart
/// the agent joins through them as well as <c>--join</c>, retrying with capped, jittered backoff while alone; and it
/// keeps trying, for a bounded time, to reconnect to members it saw fail, so that a partition or a seed restarted
/// without its data heals without anyone restarting anything.
/// </summary>
internal sealed partial class GossipAgent
{
    private readonly IMemberStore? _memberStore;
    private readonly FailedMembers _failed;
    private List<string> _savedAddresses = [];
    private string _savedKey = "";

    /// <summary>First delay between join attempts while alone (1 s, scaled); it doubles up to <see cref="MaxJoinBackoff"/>.</summary>
    internal TimeSpan FirstJoinBackoff => TimeSpan.FromSeconds(1) * _settings.TimeScale;

    /// <summary>Cap of the join retry delay: 30 s, scaled.</summary>
    internal TimeSpan MaxJoinBackoff => TimeSpan.FromSeconds(30) * _settings.TimeScale;

    /// <summary>How often one failed member is tried again: Serf's 30 s, scaled.</summary>
    internal TimeSpan ReconnectInterval => TimeSpan.FromSeconds(30) * _settings.TimeScale;

    /// <summary>How long a failed member is tried again: Serf's 24 h, scaled.</summary>
    internal TimeSpan ReconnectTimeout => TimeSpan.FromHours(24) * _settings.TimeScale;

    /// <summary>Addresses of the live members saved by the previous run (joined through at start and while alone).</summary>
    internal IReadOnlyList<string> SavedAddresses => _savedAddresses;

    /// <summary>Members seen failed that this agent still tries to reconnect to.</summary>
    internal IReadOnlyList<(string Name, string Address)> FailedMembers => _failed.All();

    private void LoadSavedMembers()
    {
        if (_memberStore is null)
        {
            return;
        }

        var live = new List<string>();
        foreach (var member in _memberStore.LoadMembers())
        {
            if (member.Name == Node.Name || member.Address == Options.Address)
            {
                continue;
            }

            if (member.State == "dead")
            {
                _failed.Add(member.Name, member.Address);
            }
            else if (!live.Contains(member.Address))
            {
                live.Add(member.Address);
            }
        }

        _savedAddresses = live;
        if (live.Count > 0 || _failed.Count > 0)
        {
            Log.SavedMembersLoaded(_logger, live.Count, _failed.Count);
        }
    }

    /// <summary>Follows failures for reconnecting and saves the members when the set of live or failed ones changed.</summary>
    private void TrackFailedAndSave(IReadOnlyList<GossipMember> members)
    {
        foreach (var (name, after) in _failed.Observe(members, Node.Name))
        {
            Log.Reconnected(_logger, name, after);
        }

        if (_memberStore is null)
        {
            return;
        }

        var saved = new List<PersistedMember>();
        foreach (var member in members)
        {
            if (member.Name != Node.Name && member.IsLive)
            {
                saved.Add(new PersistedMember(member.Name, member.Address, member.Incarnation, "alive"));
            }
        }

        foreach (var (name, address) in _failed.All())
        {
            if (!saved.Exists(m => m.Name == name))
            {
                saved.Add(new PersistedMember(name, address, 0, "dead"));
            }
        }

        // Incarnations change on every refutation: only a change of who is there (and where) is worth a write.
        saved.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var key = string.Join(';', saved.Select(m => $"{m.Name}@{m.Address}:{m.State}"));
        if (key != _savedKey)
        {
            _savedKey = key;
            _memberStore.SaveMembers(saved);
        }
    }

    /// <summary>Every <see cref="ReconnectInterval"/> (jittered), a push-pull with one failed member picked at random.</summary>
    private async Task ReconnectLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(ReconnectInterval * (0.5 + Random.Shared.NextDouble()), _time, cancellationToken);
            if (_failed.Pick(Random.Shared, name => Log.ReconnectGaveUp(_logger, name, ReconnectTimeout)) is not { } failed)
            {
                continue;
            }

            Log.Reconnecting(_logger, failed.Name, failed.Address);
            try
            {
                Node.Join([failed.Address]);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private string JoinDescription() =>
        string.Join(',', _settings.Join.Concat(_savedAddresses.Select(a => a + " (saved)")));
}
