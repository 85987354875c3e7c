using Sidecar.Gossip;

namespace Sidecar.Replication.Bridge;

/// <summary>
/// The pure part of the replica-gossip bridge: every record gossip knows, by source, and the rules that decide which
/// received records go on to the replica. A received record is accepted when it decodes, its source is not dropped
/// (a dead or departed member's), it is not a tombstone older than the retention (already purged here; it would
/// come back for good), it passes the <see cref="RecordGate"/> (origin <see cref="RecordOrigin.Gossip"/>), and it
/// is newer than what the index holds. Not thread-safe: the caller locks.
/// </summary>
public sealed class GossipRecordIndex(RecordGate gate, TimeSpan tombstoneRetention)
{
    private const int MaxDropped = 100_000;

    private readonly RecordGate _gate = gate;
    private readonly TimeSpan _tombstoneRetention = tombstoneRetention;
    private readonly Dictionary<string, SourceIndex> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private readonly List<Record> _decoded = [];

    /// <summary>Sources that hold records.</summary>
    public IEnumerable<SourceIndex> Sources => _sources.Values.Where(s => s.Count > 0);

    /// <summary>
    /// Decodes a delta and indexes the records that pass the rules, returning them in <paramref name="accepted"/>
    /// (cleared first). False when the delta does not decode (nothing is accepted).
    /// </summary>
    public bool TryAccept(ReadOnlySpan<byte> delta, DateTimeOffset now, List<Record> accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        accepted.Clear();
        if (!RecordDeltaCodec.TryDecode(delta, _decoded))
        {
            return false;
        }

        var horizon = now - _tombstoneRetention;
        foreach (var record in _decoded)
        {
            if (_dropped.ContainsKey(record.Key.Source)
                || (record.IsTombstone && HybridLogicalClock.ToTime(record.Version.Clock) < horizon)
                || !_gate.Admit(record, RecordOrigin.Gossip))
            {
                continue;
            }

            if (IndexOf(record.Key.Source).Put(record))
            {
                accepted.Add(record);
            }
        }

        _decoded.Clear();
        return true;
    }

    /// <summary>
    /// Indexes a record the replica holds (loaded at start, or a change it published). False when the source is
    /// dropped or the index already holds this version or a newer one (it came from gossip, or is old news).
    /// </summary>
    public bool Index(Record record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var source = record.Key.Source;
        if (_dropped.ContainsKey(source))
        {
            return false;
        }

        var index = IndexOf(source);
        return (index.VersionOf(record.Key) is not { } known || known < record.Version) && index.Put(record);
    }

    /// <summary>Forgets a record the replica forgot (purged tombstone, dropped source).</summary>
    public void Remove(in RecordKey key)
    {
        if (_sources.TryGetValue(key.Source, out var index))
        {
            index.Remove(key);
        }
    }

    public IReadOnlyList<SourceDigest> Digest() => [.. Sources.Select(s => s.Digest())];

    /// <summary>What a peer with <paramref name="peerDigest"/> lacks of <paramref name="sources"/>.</summary>
    public List<Record> Missing(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(peerDigest);
        var theirs = new Dictionary<string, SourceDigest>(StringComparer.Ordinal);
        foreach (var digest in peerDigest)
        {
            theirs.TryAdd(digest.Source, digest);
        }

        var records = new List<Record>();
        foreach (var source in sources)
        {
            if (_sources.TryGetValue(source, out var index) && index.Count > 0)
            {
                SourceDigest? peer = theirs.TryGetValue(source, out var d) ? d : null;
                if (peer != index.Digest())
                {
                    records.AddRange(index.Missing(peer));
                }
            }
        }

        return records;
    }

    /// <summary>Every record of one source held here.</summary>
    public IEnumerable<Record> RecordsOf(string source) => _sources.TryGetValue(source, out var index) ? index.Records : [];

    /// <summary>
    /// Drops a source as a whole (its agent is dead or left): its records leave the index and deltas for it are
    /// ignored until <see cref="Undrop"/>. <paramref name="timestamp"/> orders drops, so the oldest are forgotten
    /// first when too many accumulate. True when the index held records of it.
    /// </summary>
    public bool Drop(string source, long timestamp)
    {
        if (_dropped.Count >= MaxDropped)
        {
            // Oldest first: a source dropped that long ago has no late deltas left in flight.
            foreach (var oldest in _dropped.OrderBy(p => p.Value).Take(MaxDropped / 10).Select(p => p.Key).ToList())
            {
                _dropped.Remove(oldest);
            }
        }

        _dropped[source] = timestamp;
        return _sources.Remove(source);
    }

    /// <summary>Accepts deltas for a source again (its agent is alive).</summary>
    public void Undrop(string source) => _dropped.Remove(source);

    public bool IsDropped(string source) => _dropped.ContainsKey(source);

    private SourceIndex IndexOf(string source)
    {
        if (!_sources.TryGetValue(source, out var index))
        {
            _sources[source] = index = new SourceIndex(source);
        }

        return index;
    }
}
