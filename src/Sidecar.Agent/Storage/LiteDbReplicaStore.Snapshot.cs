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

    /// <summary>
    /// Counts a collection's documents from its <c>_id</c> index alone. LiteDB's own <c>Count()</c> selects
    /// <c>COUNT(*._id)</c>, which loads and decodes every document (a third of a 10,000-instance start, profiled);
    /// selecting only <c>$._id</c> lets the query read the index keys and leave the documents on disk.
    /// </summary>
    private static int CountIds(ILiteCollection<BsonDocument> collection) =>
        collection.Query().Select("$._id").ToDocuments().Count();

    /// <summary>
    /// Restores records and leases from the snapshot when it matches the store; logs why not otherwise. A snapshot
    /// read ahead (<paramref name="prefetched"/>) is used only when it is of this store's file and carries its sequence.
    /// </summary>
    private bool TryReadSnapshot(long sequence, ReplicaSnapshotFile.Prefetched? prefetched, out List<Record> records, out List<KeyValuePair<RecordKey, Lease>> leases)
    {
        ReplicaSnapshotFile.Contents contents;
        if (prefetched is not null && prefetched.Path == SnapshotPath && ReplicaSnapshotFile.PeekSequence(SnapshotPath) == sequence)
        {
            var waitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            contents = prefetched.Wait();
            Hosting.StartupProfile.Add("snapshot-wait", System.Diagnostics.Stopwatch.GetTimestamp() - waitStarted);
            // Read before the lock was taken: the file may have been replaced since (by an agent that was stopping).
            if (contents.Refusal == ReplicaSnapshotFile.Refusal.None && contents.Sequence != sequence)
            {
                contents = ReplicaSnapshotFile.Contents.Refused(ReplicaSnapshotFile.Refusal.Stale);
            }
        }
        else
        {
            prefetched?.Cancel();
            contents = ReplicaSnapshotFile.Read(SnapshotPath, sequence, CancellationToken.None);
        }

        var refusal = contents.Refusal;
        (records, leases) = (contents.Records, contents.Leases);
        // A writer that does not stamp the sequence (an older agent, a hand edit) usually adds or removes documents:
        // the counts catch that for a few milliseconds of index reading.
        if (refusal == ReplicaSnapshotFile.Refusal.None && (records.Count != CountIds(_records) || leases.Count != CountIds(_leases)))
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
