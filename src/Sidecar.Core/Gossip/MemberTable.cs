namespace Sidecar.Gossip;

/// <summary>
/// A node's members: a shared <see cref="MemberSnapshot"/> plus local entries that override or extend it.
/// Slots index the snapshot first, then the local additions, for random and round-robin selection.
/// </summary>
internal sealed class MemberTable(MemberSnapshot snapshot)
{
    private readonly MemberSnapshot _base = snapshot;
    private readonly Dictionary<string, MemberEntry> _local = new(StringComparer.Ordinal);
    private readonly List<MemberEntry> _added = [];

    /// <summary>Alive and suspect members, this node included.</summary>
    public int LiveCount { get; private set; } = snapshot.LiveCount;

    public int SlotCount => _base.Count + _added.Count;

    public MemberEntry? Find(string name)
    {
        if (_local.TryGetValue(name, out var entry))
        {
            return entry.Removed ? null : entry;
        }

        return _base.Find(name);
    }

    public MemberEntry? AtSlot(int slot)
    {
        if (slot >= _base.Count)
        {
            return slot - _base.Count < _added.Count ? _added[slot - _base.Count] : null;
        }

        var entry = _base[slot];
        if (_local.TryGetValue(entry.Name, out var local))
        {
            entry = local;
        }

        return entry.Removed ? null : entry;
    }

    public IEnumerable<MemberEntry> All()
    {
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (AtSlot(slot) is { } entry)
            {
                yield return entry;
            }
        }
    }

    /// <summary>Adds a member not currently known (it may have been reaped before).</summary>
    public MemberEntry Add(string name, string address, uint incarnation, MemberState state, long now)
    {
        var inBase = _base.Find(name) is { } shared;
        var entry = new MemberEntry(name, address, incarnation, state, inBase ? _base.Find(name)!.NameHash : StableHash.Of(name), inBase, shared: false)
        {
            StateChangedAt = now,
        };
        _local[name] = entry;
        if (!inBase)
        {
            _added.Add(entry);
        }

        LiveCount += entry.IsLive ? 1 : 0;
        return entry;
    }

    /// <summary>The entry to mutate: a local copy of a shared one.</summary>
    public MemberEntry Writable(MemberEntry entry)
    {
        if (!entry.Shared)
        {
            return entry;
        }

        var local = entry.CloneLocal();
        _local[entry.Name] = local;
        return local;
    }

    public void SetState(MemberEntry entry, uint incarnation, MemberState state, long now)
    {
        LiveCount += (state is MemberState.Alive or MemberState.Suspect ? 1 : 0) - (entry.IsLive ? 1 : 0);
        entry.Incarnation = incarnation;
        if (entry.State != state)
        {
            entry.State = state;
            entry.StateChangedAt = now;
        }
    }

    /// <summary>Forgets a member (reaping a dead one).</summary>
    public void Remove(MemberEntry entry)
    {
        entry = Writable(entry);
        LiveCount -= entry.IsLive ? 1 : 0;
        entry.Removed = true;
        if (!entry.InBase)
        {
            _local.Remove(entry.Name);
            var index = _added.IndexOf(entry);
            _added[index] = _added[^1];
            _added.RemoveAt(_added.Count - 1);
        }
    }
}
