using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>
/// The commit sequence that ties a <see cref="ReplicaSnapshotFile"/> to the LiteDB file: every batch the replica
/// hands over gets the next number, each commit stamps the highest it holds (never lower), and a snapshot is
/// used at start only when it carries exactly the stamped number.
/// </summary>
/// <remarks>
/// The stamp also names the incarnation of the agent that wrote it. Every agent, also one from before the stamp
/// existed, raises the incarnation in the identity document when it starts; an agent that stamps carries the stamp
/// over to its own incarnation as it does so. So a stamp whose incarnation is not the identity's means an agent that
/// does not stamp has run on this file since, and the snapshot is not used. Document counts are compared as well,
/// for edits made with other tools.
/// </remarks>
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

    /// <summary>The incarnation the sequence was stamped by; null when the stamp has none (or there is no stamp).</summary>
    private long? _stampedIncarnation;

    private long LoadSequence()
    {
        var doc = _meta.FindById(SequenceId);
        var stamped = doc is not null && doc["n"].IsInt64 ? doc["n"].AsInt64 : 0;
        _stampedIncarnation = doc is not null && doc["inc"].IsInt64 ? doc["inc"].AsInt64 : null;
        _stampedSeq = stamped;
        _queuedSeq = stamped;
        return stamped;
    }

    private void StampSequence(long seq)
    {
        if (seq > _stampedSeq)
        {
            _meta.Upsert(SequenceDocument(seq));
            _stampedSeq = seq;
        }
    }

    private BsonDocument SequenceDocument(long seq) => new() { ["_id"] = SequenceId, ["n"] = seq, ["inc"] = _incarnation };

    /// <summary>
    /// At start, with the identity's new incarnation: a stamp that was this file's last writer's carries over to
    /// this run (see the remarks on the class), and so does one without an incarnation whose snapshot the counts
    /// have just confirmed; any other stays as it is, so the snapshot stays refused.
    /// </summary>
    private void CarryStamp(long? previousIncarnation)
    {
        var confirmed = _stampedIncarnation is { } stamped ? stamped == previousIncarnation : RestoredFromSnapshot == _stampedSeq;
        if (confirmed)
        {
            _meta.Upsert(SequenceDocument(_stampedSeq));
            _stampedIncarnation = _incarnation;
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
    private bool TryReadSnapshot(long sequence, long? incarnation, ReplicaSnapshotFile.Prefetched? prefetched, out List<Record> records, out List<KeyValuePair<RecordKey, Lease>> leases)
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
        // An agent that does not stamp the sequence has run since the stamp when the incarnations differ (this also
        // catches its in-place updates). A hand edit leaves the incarnation alone but usually adds or removes
        // documents: the counts catch that (PoisonedRecordTests edits the file so), at the cost of reading both
        // _id indexes (~170 ms of CPU with 10,000 instances, profiled).
        var unstampedWriter = (_stampedIncarnation is { } stampedBy && stampedBy != incarnation)
            || (refusal == ReplicaSnapshotFile.Refusal.None && (records.Count != CountIds(_records) || leases.Count != CountIds(_leases)));
        if (refusal == ReplicaSnapshotFile.Refusal.None && unstampedWriter)
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
