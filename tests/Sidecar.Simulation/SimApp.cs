using Sidecar.Gossip;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;

namespace Sidecar.Simulation;

/// <summary>
/// The agent's replica-gossip bridge without the replica: the real <see cref="GossipRecordIndex"/> (its
/// <see cref="RecordGate"/> and dead-source rules), <see cref="RecordDeltaCodec"/> deltas and <see cref="SourceIndex"/>
/// digests, used as <c>Sidecar.Agent.Gossip.ReplicaGossipApplication</c> uses them. Records are real instances of
/// the simulated agent's source, versioned by its own <see cref="HybridLogicalClock"/> on the virtual clock. What the
/// agent adds on top (the replica's writer loop, LiteDB) is left out: an accepted record counts as learned.
/// </summary>
internal sealed class SimApp : IGossipApplication
{
    /// <summary>The one service every simulated agent registers an instance of.</summary>
    public const string ServiceId = "5f0c2d3e8a9b4c1d";

    /// <summary>Bytes per push-pull delta, as the agent (<c>ReplicaGossipApplication.StreamDeltaBytes</c>).</summary>
    private const int StreamDeltaBytes = 64 * 1024;

    /// <summary>The agent's default tombstone retention.</summary>
    private static readonly TimeSpan s_tombstoneRetention = TimeSpan.FromMinutes(10);

    private readonly SimHost _host;
    private readonly ISimObserver _observer;
    private readonly TimeProvider _time;
    private readonly GossipRecordIndex _index;
    private readonly List<Record> _accepted = [];

    public SimApp(SimHost host, ISimObserver observer, TimeProvider time)
    {
        _host = host;
        _observer = observer;
        _time = time;
        Clock = new HybridLogicalClock(time);
        Gate = new RecordGate(time);
        _index = new GossipRecordIndex(Gate, s_tombstoneRetention);
    }

    public string LocalSource => "agent:" + _host.Name;

    public HybridLogicalClock Clock { get; }

    /// <summary>This agent's gate: refusals of received records, counted per origin and reason.</summary>
    public RecordGate Gate { get; }

    /// <summary>Deltas that did not decode.</summary>
    public long MalformedDeltas { get; private set; }

    public int SourceCount => _index.Sources.Count();

    public bool Has(string source, string key) => _index.RecordsOf(source).Any(r => r.Key.Item == key);

    /// <summary>A new version of this agent's instance <paramref name="key"/> (not stored; see <see cref="Seed"/>).</summary>
    public Record NewInstance(string key) => new(
        new RecordKey(LocalSource, RecordKind.Instance, "default", "default", ServiceId, key),
        new RecordVersion(Clock.Next(), _host.Name),
        new MicroServiceInstance
        {
            InstanceId = key,
            ServiceId = ServiceId,
            Endpoints = ["rest://" + _host.Address.Split(':')[0] + ":8080"],
            HostName = _host.Name,
            Status = "UP",
            HealthCheck = new HealthCheck { Mode = "push", Interval = 30, Times = 3 },
        });

    /// <summary>Writes a record of the local source and returns its encoded delta (one record, as the agent broadcasts).</summary>
    public byte[] Write(string key)
    {
        var record = NewInstance(key);
        _index.Index(record);
        return RecordDeltaCodec.Encode(record);
    }

    /// <summary>Holds a record from the start, as a replica loaded from disk (records are immutable: share them).</summary>
    public void Seed(Record record) => _index.Index(record);

    public bool ApplyDelta(ReadOnlySpan<byte> delta)
    {
        if (!_index.TryAccept(delta, _time.GetUtcNow(), _accepted))
        {
            MalformedDeltas++;
            return false;
        }

        foreach (var record in _accepted)
        {
            // The replica's merge moves the clock past what it accepts; the gate already refused the far future.
            Clock.Observe(record.Version.Clock);
            _observer.RecordLearned(_host, record.Key.Source, record.Key.Item);
        }

        return _accepted.Count > 0;
    }

    public IReadOnlyList<SourceDigest> GetDigest() => _index.Digest();

    public IReadOnlyList<ReadOnlyMemory<byte>> GetDeltas(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest) =>
        [.. RecordDeltaCodec.Encode(_index.Missing(sources, peerDigest), StreamDeltaBytes).Select(d => (ReadOnlyMemory<byte>)d)];

    public void OnMemberChanged(GossipMember member)
    {
        if (member.Name != _host.Name)
        {
            var source = "agent:" + member.Name;
            if (member.IsLive)
            {
                _index.Undrop(source);
            }
            else
            {
                _index.Drop(source, _time.GetTimestamp());
            }
        }

        _observer.MemberChanged(_host, member);
    }
}
