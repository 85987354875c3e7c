using System.Buffers.Binary;
using System.Text;
using Sidecar.Gossip;

namespace Sidecar.Tests.Gossip;

/// <summary>A last-writer-wins map keyed by (source, key) with (clock, writer) versions, like the replica.</summary>
internal sealed class TestApplication(string name) : IGossipApplication
{
    public Dictionary<(string Source, string Key), (long Clock, string Writer)> Records { get; } = [];

    public List<GossipMember> Changes { get; } = [];

    public static byte[] Encode(string source, string key, long clock, string writer) =>
        Encoding.UTF8.GetBytes($"{source}|{key}|{clock}|{writer}");

    public byte[] Write(string key, long clock) => Write("agent:" + name, key, clock, name);

    public byte[] Write(string source, string key, long clock, string writer)
    {
        ApplyDelta(Encode(source, key, clock, writer));
        return Encode(source, key, clock, writer);
    }

    /// <summary>Like the agent: deltas of source <c>agent:X</c> are ignored while member X was last seen not live.</summary>
    public bool IgnoreSourcesOfFailedMembers { get; set; }

    public bool ApplyDelta(ReadOnlySpan<byte> delta)
    {
        var parts = Encoding.UTF8.GetString(delta).Split('|');
        if (parts.Length != 4 || !long.TryParse(parts[2], out var clock))
        {
            return false;
        }

        if (IgnoreSourcesOfFailedMembers && Changes.LastOrDefault(m => "agent:" + m.Name == parts[0]) is { IsLive: false })
        {
            return false;
        }

        var key = (parts[0], parts[1]);
        if (Records.TryGetValue(key, out var current) && (current.Clock > clock || (current.Clock == clock && string.CompareOrdinal(current.Writer, parts[3]) >= 0)))
        {
            return false;
        }

        Records[key] = (clock, parts[3]);
        return true;
    }

    public IReadOnlyList<SourceDigest> GetDigest() =>
        [.. Records.GroupBy(r => r.Key.Source).Select(g => Digest(g.Key))];

    public IReadOnlyList<ReadOnlyMemory<byte>> GetDeltas(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest)
    {
        var peer = peerDigest.ToDictionary(d => d.Source);
        return [.. Records
            .Where(r => sources.Contains(r.Key.Source) && !(peer.TryGetValue(r.Key.Source, out var d) && d == Digest(r.Key.Source)))
            .Select(r => (ReadOnlyMemory<byte>)Encode(r.Key.Source, r.Key.Key, r.Value.Clock, r.Value.Writer))];
    }

    public void OnMemberChanged(GossipMember member) => Changes.Add(member);

    public string Render() => string.Join(";", Records.OrderBy(r => r.Key.Source, StringComparer.Ordinal).ThenBy(r => r.Key.Key, StringComparer.Ordinal)
        .Select(r => $"{r.Key.Source}/{r.Key.Key}={r.Value.Clock}:{r.Value.Writer}"));

    private SourceDigest Digest(string source)
    {
        var records = Records.Where(r => r.Key.Source == source).ToList();
        ulong hash = 0;
        foreach (var r in records)
        {
            hash ^= BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.SHA256.HashData(Encode(source, r.Key.Key, r.Value.Clock, r.Value.Writer)));
        }

        return new SourceDigest(source, records.Count == 0 ? 0 : records.Max(r => r.Value.Clock), records.Count, hash);
    }
}
