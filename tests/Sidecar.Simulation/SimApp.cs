using Sidecar.Gossip;
using Sidecar.Gossip.Wire;

namespace Sidecar.Simulation;

/// <summary>
/// A miniature replica: records keyed by (source, key), versioned by (clock, writer), merged by highest version; a
/// dead member's <c>agent:&lt;name&gt;</c> source is dropped as a whole and its late deltas are ignored.
/// </summary>
internal sealed class SimApp(SimHost host, ISimObserver observer) : IGossipApplication
{
    private readonly Dictionary<string, Dictionary<string, (long Clock, string Writer)>> _sources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedSources = new(StringComparer.Ordinal);
    private long _clock;

    public string LocalSource => "agent:" + host.Name;

    public int SourceCount => _sources.Count;

    public bool Has(string source, string key) => _sources.TryGetValue(source, out var records) && records.ContainsKey(key);

    /// <summary>Writes a record of the local source and returns its encoded delta.</summary>
    public byte[] Write(string key)
    {
        var clock = ++_clock;
        Store(LocalSource, key, clock, host.Name);
        return Encode(LocalSource, key, clock, host.Name);
    }

    public void Seed(string source, string key, long clock, string writer) => Store(source, key, clock, writer);

    public bool ApplyDelta(ReadOnlySpan<byte> delta)
    {
        var r = new WireReader(delta);
        if (!r.String(out var source) || !r.String(out var key) || !r.Int64(out var clock) || !r.String(out var writer) || r.Remaining != 0
            || _droppedSources.Contains(source))
        {
            return false;
        }

        if (_sources.TryGetValue(source, out var records) && records.TryGetValue(key, out var current)
            && (current.Clock > clock || (current.Clock == clock && string.CompareOrdinal(current.Writer, writer) >= 0)))
        {
            return false;
        }

        Store(source, key, clock, writer);
        _clock = Math.Max(_clock, clock);
        observer.RecordLearned(host, source, key);
        return true;
    }

    public IReadOnlyList<SourceDigest> GetDigest()
    {
        var digest = new List<SourceDigest>(_sources.Count);
        foreach (var (source, records) in _sources)
        {
            digest.Add(Digest(source, records));
        }

        return digest;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> GetDeltas(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest)
    {
        var peer = peerDigest.ToDictionary(d => d.Source, StringComparer.Ordinal);
        var deltas = new List<ReadOnlyMemory<byte>>();
        foreach (var source in sources)
        {
            if (!_sources.TryGetValue(source, out var records) || (peer.TryGetValue(source, out var theirs) && theirs == Digest(source, records)))
            {
                continue;
            }

            // A real replica would send only records above the peer's clock when it can; the source is small here.
            foreach (var (key, version) in records)
            {
                deltas.Add(Encode(source, key, version.Clock, version.Writer));
            }
        }

        return deltas;
    }

    public void OnMemberChanged(GossipMember member)
    {
        var source = "agent:" + member.Name;
        if (member.State is MemberState.Dead or MemberState.Left)
        {
            _sources.Remove(source);
            _droppedSources.Add(source);
        }
        else if (member.State == MemberState.Alive)
        {
            _droppedSources.Remove(source);
        }

        observer.MemberChanged(host, member);
    }

    private void Store(string source, string key, long clock, string writer)
    {
        if (!_sources.TryGetValue(source, out var records))
        {
            _sources[source] = records = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        }

        records[key] = (clock, writer);
    }

    private static SourceDigest Digest(string source, Dictionary<string, (long Clock, string Writer)> records)
    {
        ulong hash = 0;
        long max = 0;
        foreach (var (key, version) in records)
        {
            hash ^= StableHash.Combine(StableHash.Of(key), StableHash.Combine((ulong)version.Clock, StableHash.Of(version.Writer)));
            max = Math.Max(max, version.Clock);
        }

        return new SourceDigest(source, max, records.Count, hash);
    }

    private static byte[] Encode(string source, string key, long clock, string writer)
    {
        var w = new WireWriter();
        w.String(source);
        w.String(key);
        w.Int64(clock);
        w.String(writer);
        return w.ToArray();
    }
}
