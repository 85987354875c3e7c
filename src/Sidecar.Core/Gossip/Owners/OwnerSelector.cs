namespace Sidecar.Gossip.Owners;

/// <summary>
/// Picks K owners for each upstream source (<c>k8s:&lt;cluster&gt;</c>, <c>sc:&lt;name&gt;</c>) by rendezvous
/// (highest-random-weight) hashing over the live members. Every node computes the same owners from the same
/// members, with no coordination, and a member joining or leaving moves only the sources it owns or wins.
/// Standalone (no other member), this node owns everything.
/// </summary>
public sealed class OwnerSelector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string[]> _owners = new(StringComparer.Ordinal);
    private string[] _members;

    public OwnerSelector(string localName, int ownersPerSource = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localName);
        ArgumentOutOfRangeException.ThrowIfLessThan(ownersPerSource, 1);
        LocalName = localName;
        OwnersPerSource = ownersPerSource;
        _members = [localName];
    }

    /// <summary>Raised, outside any lock, when the owners of tracked sources change.</summary>
    public event EventHandler<OwnersChangedEventArgs>? OwnersChanged;

    public string LocalName { get; }

    public int OwnersPerSource { get; }

    /// <summary>Starts tracking a source, so that changes of its owners are notified.</summary>
    public void Track(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        lock (_gate)
        {
            _owners.TryAdd(source, Select(source, _members, OwnersPerSource));
        }
    }

    /// <summary>Sets the live members (alive and suspect; this node is always included) and notifies changes.</summary>
    public void UpdateMembers(IEnumerable<string> liveMembers)
    {
        ArgumentNullException.ThrowIfNull(liveMembers);
        var changed = new List<string>();
        lock (_gate)
        {
            _members = [.. liveMembers.Append(LocalName).Distinct(StringComparer.Ordinal)];
            foreach (var (source, owners) in _owners.ToArray())
            {
                var now = Select(source, _members, OwnersPerSource);
                if (!now.AsSpan().SequenceEqual(owners))
                {
                    _owners[source] = now;
                    changed.Add(source);
                }
            }
        }

        if (changed.Count > 0)
        {
            OwnersChanged?.Invoke(this, new OwnersChangedEventArgs(changed));
        }
    }

    /// <summary>The owners of a source, best first.</summary>
    public IReadOnlyList<string> OwnersOf(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        lock (_gate)
        {
            return _owners.TryGetValue(source, out var owners) ? owners : Select(source, _members, OwnersPerSource);
        }
    }

    public bool IsOwner(string source) => OwnersOf(source).Contains(LocalName, StringComparer.Ordinal);

    /// <summary>The <paramref name="count"/> members with the highest hash of (source, member), best first.</summary>
    internal static string[] Select(string source, IReadOnlyList<string> members, int count)
    {
        var sourceHash = StableHash.Of(source);
        var best = new List<(ulong Score, string Member)>(count + 1);
        foreach (var member in members)
        {
            var score = StableHash.Combine(sourceHash, StableHash.Of(member));
            var at = best.Count;
            while (at > 0 && Better(score, member, best[at - 1]))
            {
                at--;
            }

            if (at < count)
            {
                best.Insert(at, (score, member));
                if (best.Count > count)
                {
                    best.RemoveAt(count);
                }
            }
        }

        return [.. best.Select(b => b.Member)];
    }

    private static bool Better(ulong score, string member, (ulong Score, string Member) other) =>
        score > other.Score || (score == other.Score && string.CompareOrdinal(member, other.Member) < 0);
}
