namespace Sidecar.Gossip;

/// <summary>
/// An immutable member list that many nodes can start from and share until they change an entry (copy on write).
/// The agent can start from its persisted membership; the simulator shares one list between 10,000 nodes, which
/// keeps its memory O(N) instead of O(N²).
/// </summary>
internal sealed class MemberSnapshot
{
    private readonly MemberEntry[] _entries;
    private readonly Dictionary<string, int> _index;

    public MemberSnapshot(IEnumerable<GossipMember> members)
    {
        var entries = new List<MemberEntry>();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (_index.TryAdd(member.Name, entries.Count))
            {
                entries.Add(new MemberEntry(member.Name, member.Address, member.Incarnation, member.State, StableHash.Of(member.Name), inBase: true, shared: true));
                LiveCount += member.IsLive ? 1 : 0;
            }
        }

        _entries = [.. entries];
    }

    public static MemberSnapshot Empty { get; } = new([]);

    public int Count => _entries.Length;

    public int LiveCount { get; }

    public MemberEntry this[int slot] => _entries[slot];

    public MemberEntry? Find(string name) => _index.TryGetValue(name, out var slot) ? _entries[slot] : null;
}
