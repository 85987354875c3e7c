namespace Sidecar.Replication;

/// <summary>
/// What an operation of the writer loop may do. Reads see every write made so far, including the operation's own.
/// Only valid during the operation, on the writer loop.
/// </summary>
/// <remarks>
/// Every change is also logged with what it replaced, so that an operation that throws, or a batch whose commit
/// fails, is undone in memory (<see cref="RollbackTo"/>): memory never holds what the store did not take.
/// </remarks>
public sealed class ReplicaWriter
{
    private readonly Replica _replica;
    private readonly ReplicaState _state;
    private readonly List<RecordChange> _changes = [];
    private readonly Dictionary<RecordKey, Lease?> _leases = [];
    private readonly List<RecordKey> _forgotten = [];
    private readonly List<Undo> _undo = [];
    private bool _forceDurable;

    internal ReplicaWriter(Replica replica, ReplicaState state)
    {
        _replica = replica;
        _state = state;
    }

    internal IReadOnlyList<RecordChange> Changes => _changes;

    /// <summary>What the store must persist for this batch.</summary>
    internal ReplicaBatch ToBatch() => new(_changes, [.. _leases], _forgotten, HasLocalWrites || _forceDurable);

    /// <summary>The source this agent writes as: <c>agent:&lt;node&gt;</c>.</summary>
    public string LocalSource => _replica.LocalSource;

    public DateTimeOffset Now => _replica.TimeProvider.GetUtcNow();

    /// <summary>The registry including every write made so far in this batch.</summary>
    public RegistrySnapshot Snapshot => _state.Publish();

    /// <summary>True when the batch holds local writes (which are persisted before acknowledgement).</summary>
    internal bool HasLocalWrites { get; private set; }

    /// <summary>True when the batch must be committed (and waited for) even if it changes nothing: a store probe.</summary>
    internal bool ForcesCommit => _forceDurable;

    public Record? Get(in RecordKey key) => _state.Get(key);

    /// <summary>
    /// True when this batch already holds changes the store has not been handed yet: a reader that must see exactly
    /// what the store holds (a snapshot of the file) waits for the next batch.
    /// </summary>
    public bool HasPendingChanges => _changes.Count > 0 || _leases.Count > 0 || _forgotten.Count > 0;

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

        if (_replica.Leases.TryGetValue(key, out var lease))
        {
            _undo.Add(Undo.OfLease(key, lease));
            _replica.Leases.Remove(key);
            _leases[key] = null;
        }
    }

    /// <summary>Removes a record for good (tombstone compaction). Not replicated.</summary>
    public void Forget(RecordKey key)
    {
        if (_state.Get(key) is { } before)
        {
            _undo.Add(Undo.OfRecord(key, before));
        }

        _state.Forget(key);
        _forgotten.Add(key);
    }

    /// <summary>
    /// Merges a record written elsewhere (a peer or an upstream); it wins only with a higher version. Records the
    /// <see cref="Replica.Gate"/> refuses are dropped (counted per <paramref name="origin"/>).
    /// </summary>
    public bool Merge(Record record, RecordOrigin origin)
    {
        if (!_replica.Gate.Admit(record, origin))
        {
            return false;
        }

        _replica.Clock.Observe(record.Version.Clock);
        return Apply(record);
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
        _undo.Add(Undo.OfLease(instance, _replica.Leases.TryGetValue(instance, out var old) ? old : null));
        var lease = _replica.Leases[instance] = LeaseTimer.Start(ttl, _replica.TimeProvider);
        _leases[instance] = lease.ToPersisted(_replica.TimeProvider);
    }

    /// <summary>Makes this batch commit durably even with no change (to find out whether the store can write).</summary>
    internal void ForceDurableCommit() => _forceDurable = true;

    /// <summary>A point to roll back to (taken before each operation).</summary>
    internal (int Undo, int Changes, int Forgotten) Mark() => (_undo.Count, _changes.Count, _forgotten.Count);

    /// <summary>Undoes, newest first, every change made since <paramref name="mark"/>: records, leases, and what the store would get.</summary>
    internal void RollbackTo((int Undo, int Changes, int Forgotten) mark)
    {
        for (var i = _undo.Count - 1; i >= mark.Undo; i--)
        {
            var undo = _undo[i];
            if (undo.IsLease)
            {
                if (undo.Lease is { } lease)
                {
                    _replica.Leases[undo.Key] = lease;
                }
                else
                {
                    _replica.Leases.Remove(undo.Key);
                }

                // What the store persists for this key is now what memory holds (a no-op write if nothing else changed it).
                _leases[undo.Key] = _replica.Leases.TryGetValue(undo.Key, out var now) ? now.ToPersisted(_replica.TimeProvider) : null;
            }
            else
            {
                _state.Revert(undo.Key, undo.Record);
            }
        }

        _undo.RemoveRange(mark.Undo, _undo.Count - mark.Undo);
        _changes.RemoveRange(mark.Changes, _changes.Count - mark.Changes);
        _forgotten.RemoveRange(mark.Forgotten, _forgotten.Count - mark.Forgotten);
    }

    private void Write(RecordKey key, object? value)
    {
        var record = new Record(key, new RecordVersion(_replica.Clock.Next(), _replica.NodeName), value);
        if (Apply(record))
        {
            HasLocalWrites |= key.Source == _replica.LocalSource;
        }
    }

    private bool Apply(Record record)
    {
        if (_state.Apply(record) is not { } change)
        {
            return false;
        }

        _undo.Add(Undo.OfRecord(record.Key, change.Before));
        _changes.Add(change);
        return true;
    }

    /// <summary>One entry of the undo log: a record (or a lease) as it was before a change.</summary>
    private readonly record struct Undo(RecordKey Key, bool IsLease, Record? Record, LeaseTimer? Lease)
    {
        public static Undo OfRecord(RecordKey key, Record? before) => new(key, false, before, null);

        public static Undo OfLease(RecordKey key, LeaseTimer? before) => new(key, true, null, before);
    }
}
