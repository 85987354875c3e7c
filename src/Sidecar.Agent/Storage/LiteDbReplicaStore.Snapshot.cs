using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>
/// The commit sequence that ties a <see cref="ReplicaSnapshotFile"/> to the LiteDB file: every batch the replica
/// hands over gets the next number, each commit stamps the highest it holds (never lower), and a snapshot is
/// used at start only when it carries exactly the stamped number.
/// </summary>
internal sealed partial class LiteDbReplicaStore
{
    private const string SequenceId = "seq";
    private long _queuedSeq;
    private long _stampedSeq;
    private volatile bool _commitFailed;

    /// <summary>The sequence of the last batch handed to the store (read on the replica's writer loop).</summary>
    public long QueuedSequence => Volatile.Read(ref _queuedSeq);

    /// <summary>The sequence of the snapshot the start was restored from; -1 when it read LiteDB instead.</summary>
    public long RestoredFromSnapshot { get; private set; } = -1;

    /// <summary>
    /// True once a commit failed in this run: memory and file may then differ until a later commit, and no snapshot
    /// is taken (a later successful commit stamps a higher sequence, which makes older snapshots stale).
    /// </summary>
    public bool CommitFailed => _commitFailed;

    /// <summary>The snapshot file beside the store.</summary>
    public string SnapshotPath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_path)!, ReplicaSnapshotFile.FileName);

    private long LoadSequence()
    {
        var stamped = _meta.FindById(SequenceId) is { } doc && doc["n"].IsInt64 ? doc["n"].AsInt64 : 0;
        _stampedSeq = stamped;
        _queuedSeq = stamped;
        return stamped;
    }

    private void StampSequence(long seq)
    {
        if (seq > _stampedSeq)
        {
            _meta.Upsert(new BsonDocument { ["_id"] = SequenceId, ["n"] = seq });
            _stampedSeq = seq;
        }
    }

    /// <summary>Restores records and leases from the snapshot when it matches the store; logs why not otherwise.</summary>
    private bool TryReadSnapshot(long sequence, out List<Record> records, out List<KeyValuePair<RecordKey, Lease>> leases)
    {
        var refusal = ReplicaSnapshotFile.TryRead(SnapshotPath, sequence, out records, out leases);
        // A writer that does not stamp the sequence (an older agent, a hand edit) usually adds or removes documents:
        // the counts catch that for a few milliseconds of index reading.
        if (refusal == ReplicaSnapshotFile.Refusal.None && (records.Count != _records.Count() || leases.Count != _leases.Count()))
        {
            refusal = ReplicaSnapshotFile.Refusal.Stale;
            records = [];
            leases = [];
        }

        if (refusal == ReplicaSnapshotFile.Refusal.None)
        {
            RestoredFromSnapshot = sequence;
            Log.SnapshotUsed(_logger, records.Count, sequence);
            return true;
        }

        if (refusal != ReplicaSnapshotFile.Refusal.Missing)
        {
            Log.SnapshotRefused(_logger, SnapshotPath, refusal == ReplicaSnapshotFile.Refusal.Stale ? "older or newer than the store" : "damaged");
        }

        return false;
    }
}
