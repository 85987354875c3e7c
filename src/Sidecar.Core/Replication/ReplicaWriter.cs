namespace Sidecar.Replication;

/// <summary>
/// What an operation of the writer loop may do. Reads see every write made so far, including the operation's own.
/// Only valid during the operation, on the writer loop.
/// </summary>
public sealed class ReplicaWriter
{
    private readonly Replica _replica;
    private readonly ReplicaState _state;
    private readonly List<RecordChange> _changes = [];
    private readonly Dictionary<RecordKey, Lease?> _leases = [];
    private readonly List<RecordKey> _forgotten = [];

    internal ReplicaWriter(Replica replica, ReplicaState state)
    {
        _replica = replica;
        _state = state;
    }

    internal IReadOnlyList<RecordChange> Changes => _changes;

    /// <summary>What the store must persist for this batch.</summary>
    internal ReplicaBatch ToBatch() => new(_changes, [.. _leases], _forgotten, HasLocalWrites);

    /// <summary>The source this agent writes as: <c>agent:&lt;node&gt;</c>.</summary>
    public string LocalSource => _replica.LocalSource;

    public DateTimeOffset Now => _replica.TimeProvider.GetUtcNow();

    /// <summary>The registry including every write made so far in this batch.</summary>
    public RegistrySnapshot Snapshot => _state.Publish();

    /// <summary>True when the batch holds local writes (which are persisted before acknowledgement).</summary>
    internal bool HasLocalWrites { get; private set; }

    public Record? Get(in RecordKey key) => _state.Get(key);

    /// <summary>Every record of one source, tombstones included (a scan: for upstream syncers, once per pull).</summary>
    public IEnumerable<Record> RecordsOf(string source) => _state.Records.Where(r => r.Key.Source == source);
    /// <summary>Every record, tombstones included (e.g. to index them, or to drop a source as a whole).</summary>
    public IEnumerable<Record> Records => _state.Records;

    /// <summary>Writes a value as the local source, stamped with a new version.</summary>
    public void Put(RecordKey key, object value) => Write(key, value);

    /// <summary>Deletes a record of the local source (writes a tombstone). No-op if it is absent or deleted.</summary>
    public void Delete(RecordKey key)
    {
        if (_state.Get(key) is { IsTombstone: false })
        {
            Write(key, null);
        }

        if (_replica.Leases.Remove(key))
        {
            _leases[key] = null;
        }
    }

    /// <summary>Removes a record for good (tombstone compaction). Not replicated.</summary>
    public void Forget(RecordKey key)
    {
        _state.Forget(key);
        _forgotten.Add(key);
    }

    /// <summary>Merges a record written elsewhere (a peer or an upstream); it wins only with a higher version.</summary>
    public bool Merge(Record record)
    {
        _replica.Clock.Observe(record.Version.Clock);
        if (_state.Apply(record) is { } change)
        {
            _changes.Add(change);
            return true;
        }

        return false;
    }

    /// <summary>Starts or restarts the lease of a local instance (monotonic; persisted with its wall-clock expiry).</summary>
    public void SetLease(RecordKey instance, TimeSpan ttl) => StartLease(instance, ttl);

    /// <summary>Renews a local instance's lease for its full TTL.</summary>
    /// <returns>False when the instance has no lease here (unknown, expired, or not owned by this agent).</returns>
    public bool Renew(RecordKey instance)
    {
        if (!_replica.Leases.TryGetValue(instance, out var lease))
        {
            return false;
        }

        StartLease(instance, lease.Ttl);
        return true;
    }

    /// <summary>The lease in its persisted form (wall-clock expiry as of now), or null.</summary>
    public Lease? LeaseOf(RecordKey instance) =>
        _replica.Leases.TryGetValue(instance, out var lease) ? lease.ToPersisted(_replica.TimeProvider) : null;

    private void StartLease(RecordKey instance, TimeSpan ttl)
    {
        var lease = _replica.Leases[instance] = LeaseTimer.Start(ttl, _replica.TimeProvider);
        _leases[instance] = lease.ToPersisted(_replica.TimeProvider);
    }

    private void Write(RecordKey key, object? value)
    {
        var record = new Record(key, new RecordVersion(_replica.Clock.Next(), _replica.NodeName), value);
        if (_state.Apply(record) is { } change)
        {
            _changes.Add(change);
            HasLocalWrites |= key.Source == _replica.LocalSource;
        }
    }
}
