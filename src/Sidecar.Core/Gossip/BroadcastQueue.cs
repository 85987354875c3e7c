namespace Sidecar.Gossip;

/// <summary>
/// memberlist's TransmitLimitedQueue: encoded messages waiting to be piggybacked, the least-transmitted (then newest)
/// first, each sent at most <c>mult × ceil(log10(N + 1))</c> times. A keyed message replaces a queued one with the
/// same key (a newer state of the same member or record).
/// </summary>
internal sealed class BroadcastQueue(int retransmitMult, int maxQueued)
{
    private const int MaxScanned = 256;
    private readonly SortedSet<Entry> _queue = new(EntryComparer.Instance);
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly List<Entry> _taken = [];
    private readonly int _retransmitMult = retransmitMult;
    private readonly int _maxQueued = maxQueued;
    private long _nextId;

    public int Count => _queue.Count;

    /// <summary>How many times each message is sent in a cluster of <paramref name="members"/>.</summary>
    public int RetransmitLimit(int members) => _retransmitMult * (int)Math.Ceiling(Math.Log10(members + 1.0));

    public void Enqueue(byte[] message, string? key)
    {
        if (key is not null && _byKey.Remove(key, out var old))
        {
            _queue.Remove(old);
        }

        var entry = new Entry(message, key, 0, _nextId++);
        _queue.Add(entry);
        if (key is not null)
        {
            _byKey[key] = entry;
        }

        while (_queue.Count > _maxQueued)
        {
            Remove(_queue.Max!);
        }
    }

    /// <summary>Takes messages that fit in <paramref name="budget"/> bytes, counting <paramref name="overhead"/> per message.</summary>
    public void Take(int budget, int overhead, int limit, List<byte[]> into)
    {
        var scanned = 0;
        foreach (var entry in _queue)
        {
            if (budget < overhead + 8 || ++scanned > MaxScanned || into.Count >= byte.MaxValue)
            {
                break;
            }

            if (entry.Message.Length + overhead <= budget)
            {
                budget -= entry.Message.Length + overhead;
                into.Add(entry.Message);
                _taken.Add(entry);
            }
        }

        foreach (var entry in _taken)
        {
            Remove(entry);
            if (entry.Transmits + 1 < limit)
            {
                var next = entry with { Transmits = entry.Transmits + 1 };
                _queue.Add(next);
                if (next.Key is not null)
                {
                    _byKey[next.Key] = next;
                }
            }
        }

        _taken.Clear();
    }

    private void Remove(Entry entry)
    {
        _queue.Remove(entry);
        if (entry.Key is not null && _byKey.TryGetValue(entry.Key, out var current) && current.Id == entry.Id)
        {
            _byKey.Remove(entry.Key);
        }
    }

    private sealed record Entry(byte[] Message, string? Key, int Transmits, long Id);

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            var byTransmits = x!.Transmits.CompareTo(y!.Transmits);
            return byTransmits != 0 ? byTransmits : y.Id.CompareTo(x.Id);
        }
    }
}
