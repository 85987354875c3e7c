using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Members this agent saw fail (dead, not left), remembered for a bounded time so that it keeps trying to reconnect
/// to them: Serf's reconnect (<c>ReconnectInterval</c> 30 s, <c>ReconnectTimeout</c> 24 h). Without it, two halves
/// of a partition that both declared the other dead, or a seed restarted without its data, would stay apart.
/// Outlives the node's own dead-member retention (15 min), which reaps the member from the table.
/// </summary>
internal sealed class FailedMembers(TimeSpan timeout, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Address, long Since)> _failed = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _failed.Count;
            }
        }
    }

    /// <summary>Adds a member known to have failed before this agent started (from the saved members).</summary>
    public void Add(string name, string address)
    {
        lock (_gate)
        {
            _failed.TryAdd(name, (address, time.GetTimestamp()));
        }
    }

    /// <summary>
    /// Follows the member table: dead members are added, members alive again or left are removed; members no longer
    /// in the table (reaped) are kept until the timeout.
    /// </summary>
    /// <returns>The members that came back to life, with how long they had been failed.</returns>
    public List<(string Name, TimeSpan After)> Observe(IReadOnlyList<GossipMember> members, string self)
    {
        var back = new List<(string, TimeSpan)>();
        lock (_gate)
        {
            foreach (var member in members)
            {
                if (member.Name == self)
                {
                    continue;
                }

                if (member.State == MemberState.Dead)
                {
                    if (_failed.TryGetValue(member.Name, out var known) && known.Address == member.Address)
                    {
                        continue;
                    }

                    _failed[member.Name] = (member.Address, time.GetTimestamp());
                }
                else if (_failed.Remove(member.Name, out var was) && member.IsLive)
                {
                    back.Add((member.Name, time.GetElapsedTime(was.Since)));
                }
            }
        }

        return back;
    }

    /// <summary>Drops members failed for longer than the timeout and picks one of the others at random.</summary>
    /// <param name="random">Picks the member.</param>
    /// <param name="expired">Called for each member given up on.</param>
    public (string Name, string Address)? Pick(Random random, Action<string> expired)
    {
        lock (_gate)
        {
            foreach (var (name, (_, since)) in _failed.ToList())
            {
                if (time.GetElapsedTime(since) > timeout)
                {
                    _failed.Remove(name);
                    expired(name);
                }
            }

            if (_failed.Count == 0)
            {
                return null;
            }

            var (pick, (address, _)) = _failed.ElementAt(random.Next(_failed.Count));
            return (pick, address);
        }
    }

    public List<(string Name, string Address)> All()
    {
        lock (_gate)
        {
            return [.. _failed.Select(p => (p.Key, p.Value.Address))];
        }
    }
}
