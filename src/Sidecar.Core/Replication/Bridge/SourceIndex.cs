using System.Text;
using Sidecar.Gossip;

namespace Sidecar.Replication.Bridge;

/// <summary>
/// The records of one source as gossip sees them, with an incrementally maintained digest: count, highest clock and
/// an order-independent hash (the wrapping sum of a hash of each record's key and version).
/// </summary>
public sealed class SourceIndex(string source)
{
    private readonly Dictionary<RecordKey, Record> _records = [];
    private ulong _hash;
    private long _maxClock;
    private bool _maxClockStale;

    public string Source { get; } = source;

    public int Count => _records.Count;

    public IEnumerable<Record> Records => _records.Values;

    public RecordVersion? VersionOf(in RecordKey key) => _records.TryGetValue(key, out var record) ? record.Version : null;

    /// <summary>Sets the record if it is newer than the one held; true when it was.</summary>
    public bool Put(Record record)
    {
        if (_records.TryGetValue(record.Key, out var old))
        {
            if (record.Version <= old.Version)
            {
                return false;
            }

            _hash -= HashOf(old);
        }

        _records[record.Key] = record;
        _hash += HashOf(record);
        _maxClock = Math.Max(_maxClock, record.Version.Clock);
        return true;
    }

    public void Remove(in RecordKey key)
    {
        if (_records.Remove(key, out var old))
        {
            _hash -= HashOf(old);
            _maxClockStale |= old.Version.Clock >= _maxClock;
        }
    }

    public SourceDigest Digest()
    {
        if (_maxClockStale)
        {
            _maxClock = _records.Count == 0 ? 0 : _records.Values.Max(r => r.Version.Clock);
            _maxClockStale = false;
        }

        return new SourceDigest(Source, _maxClock, _records.Count, _hash);
    }

    /// <summary>
    /// What a peer with <paramref name="peer"/> lacks: when the peer holds exactly our records up to its highest
    /// clock, only the newer ones; otherwise all of them (it holds something we do not, or misses an older record).
    /// </summary>
    public IEnumerable<Record> Missing(SourceDigest? peer)
    {
        if (peer is not { } theirs)
        {
            return _records.Values;
        }

        var count = 0;
        ulong hash = 0;
        foreach (var record in _records.Values)
        {
            if (record.Version.Clock <= theirs.MaxClock)
            {
                count++;
                hash += HashOf(record);
            }
        }

        return count == theirs.Count && hash == theirs.Hash
            ? _records.Values.Where(r => r.Version.Clock > theirs.MaxClock)
            : _records.Values;
    }

    /// <summary>FNV-1a over the key and version, finished with a 64-bit mixer so that sums of hashes stay well spread.</summary>
    public static ulong HashOf(Record record)
    {
        var key = record.Key;
        var hash = 14695981039346656037UL;
        hash = Add(hash, key.Source);
        hash = Add(hash, ((byte)key.Kind).ToString(System.Globalization.CultureInfo.InvariantCulture));
        hash = Add(hash, key.Domain);
        hash = Add(hash, key.Project);
        hash = Add(hash, key.ServiceId);
        hash = Add(hash, key.Item);
        hash = Add(hash, record.Version.Writer);
        hash = (hash ^ (ulong)record.Version.Clock) * 1099511628211UL;
        hash ^= record.IsTombstone ? 0x9E3779B97F4A7C15UL : 0;
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53UL;
        return hash ^ (hash >> 33);
    }

    private static ulong Add(ulong hash, string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(value, buffer)] : Encoding.UTF8.GetBytes(value);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return (hash ^ 0xFF) * 1099511628211UL;
    }
}
