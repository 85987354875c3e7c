using System.Collections.Concurrent;
using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>
/// Persists the replica in one LiteDB file. LiteDB is synchronous, so one dedicated thread does every write:
/// batches holding local writes are committed at once and acknowledged after the commit; replicated changes and
/// lease renewals wait up to <see cref="GroupCommitWindow"/> so that many batches share one commit.
/// </summary>
internal sealed partial class LiteDbReplicaStore : IReplicaStore, ISyncCursorStore, IDisposable
{
    public const string FileName = "sidecar.db";

    /// <summary>Longest a non-durable change waits for its commit.</summary>
    public static readonly TimeSpan GroupCommitWindow = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _lock;
    private readonly string _path;
    private LiteDatabase _db;
    private ILiteCollection<BsonDocument> _records;
    private ILiteCollection<BsonDocument> _leases;
    private ILiteCollection<BsonDocument> _meta;
    private ILiteCollection<BsonDocument> _members;
    private ILiteCollection<BsonDocument> _cursors;
    private bool _reopen;
    private readonly BlockingCollection<Pending> _queue = new();
    private readonly Thread _writer;
    private int _disposed;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private string _nodeName = "";
    private long _incarnation;

    private LiteDbReplicaStore(LiteDatabase db, string path, FileStream dataDirLock, TimeProvider timeProvider, ILogger logger)
    {
        _path = path;
        _lock = dataDirLock;
        _timeProvider = timeProvider;
        _logger = logger;
        Attach(db);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "sidecar-storage" };
    }

    public ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken)
    {
        var pending = new Pending(batch) { Seq = Interlocked.Increment(ref _queuedSeq) };
        _queue.Add(pending, cancellationToken);
        return batch.Durable ? new ValueTask(pending.Completion.Task.WaitAsync(cancellationToken)) : ValueTask.CompletedTask;
    }

    /// <summary>Records the identity the agent runs as, with a higher incarnation than any earlier run.</summary>
    public AgentIdentity SaveIdentity(string nodeName, AgentIdentity? previous)
    {
        _nodeName = nodeName;
        _incarnation = (previous?.Incarnation ?? 0) + 1;
        var identity = new AgentIdentity(nodeName, _incarnation, previous?.LastWrite ?? _timeProvider.GetUtcNow());
        _meta.Upsert(IdentityDocument(identity));
        _db.Checkpoint();
        return identity;
    }

    /// <summary>Replaces the membership snapshot (written by the storage thread with the next group commit).</summary>
    public void SaveMembers(IReadOnlyList<PersistedMember> members) =>
        _queue.Add(new Pending(new ReplicaBatch([], [], [], Durable: false), members));

    /// <summary>Queues the cursors behind every batch already queued, so they are never on disk before their records.</summary>
    public void SaveCursors(string source, IReadOnlyDictionary<string, string> cursors)
    {
        var document = new BsonDocument { ["_id"] = source };
        var revisions = new BsonDocument();
        foreach (var (serviceId, revision) in cursors)
        {
            revisions[serviceId] = revision;
        }

        document["revs"] = revisions;
        _queue.Add(new Pending(new ReplicaBatch([], [], [], Durable: false), cursors: document));
    }

    public IReadOnlyDictionary<string, string> LoadCursors(string source) =>
        _cursors.FindById(source)?["revs"] is { IsDocument: true } revs
            ? revs.AsDocument.Where(p => p.Value.IsString).ToDictionary(p => p.Key, p => p.Value.AsString, StringComparer.Ordinal)
            : new Dictionary<string, string>();

    /// <summary>The membership snapshot as last saved.</summary>
    public IReadOnlyList<PersistedMember> LoadMembers() =>
        [.. _members.FindAll().Select(d => new PersistedMember(d["_id"].AsString, d["addr"].AsString, d["inc"].AsInt64, d["state"].AsString))];

    public void Start() => _writer.Start();

    /// <remarks>
    /// Idempotent: the host disposes the store both as its own singleton and as the <see cref="ISyncCursorStore"/> it also
    /// registers, and the second call must not fail the shutdown.
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        if (_writer.IsAlive)
        {
            _writer.Join();
        }

        _db.Dispose();
        _queue.Dispose();
        _lock.Dispose();
    }

    private void WriteLoop()
    {
        var group = new List<Pending>();
        while (_queue.TryTake(out var first, Timeout.Infinite))
        {
            group.Add(first);
            var deadline = _timeProvider.GetTimestamp();
            // Gather more: everything already queued, and up to the window's end while nothing durable waits.
            while (true)
            {
                var durable = group.Exists(p => p.Batch.Durable);
                var left = durable ? TimeSpan.Zero : GroupCommitWindow - _timeProvider.GetElapsedTime(deadline);
                if (!_queue.TryTake(out var next, left > TimeSpan.Zero ? (int)Math.Ceiling(left.TotalMilliseconds) : 0))
                {
                    break;
                }

                group.Add(next);
            }

            Commit(group);
            group.Clear();
        }
    }

    private void Commit(List<Pending> group)
    {
        try
        {
            if (_reopen)
            {
                Reopen();
            }

            _db.BeginTrans();
            foreach (var pending in group)
            {
                Apply(pending.Batch);
                if (pending.Cursors is { } cursors)
                {
                    _cursors.Upsert(cursors);
                }

                if (pending.Members is { } members)
                {
                    _members.DeleteAll();
                    _members.InsertBulk(members.Select(m => new BsonDocument
                    {
                        ["_id"] = m.Name,
                        ["addr"] = m.Address,
                        ["inc"] = m.Incarnation,
                        ["state"] = m.State,
                    }));
                }
            }

            if (group.Exists(p => p.Batch.Durable))
            {
                _meta.Upsert(IdentityDocument(new AgentIdentity(_nodeName, _incarnation, _timeProvider.GetUtcNow())));
            }

            StampSequence(group.Max(p => p.Seq));
            _db.Commit();
            foreach (var pending in group)
            {
                pending.Completion.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            try
            {
                _db.Rollback();
            }
            catch (Exception rollback) when (rollback is LiteException or IOException or InvalidOperationException)
            {
                // The commit's own failure is what the writers need to hear about.
            }

            // A write that failed half-way (e.g. the disk filled up) can leave LiteDB's page cache unusable ("page
            // must be writable"): the next commit opens the file afresh, which drops the unfinished transaction.
            _reopen = true;
            _commitFailed = true;

            Log.CommitFailed(_logger, ex, group.Count);
            foreach (var pending in group)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    private void Apply(ReplicaBatch batch)
    {
        foreach (var change in batch.Changes)
        {
            _records.Upsert(RecordDocuments.ToDocument(change.After));
        }

        foreach (var key in batch.Forgotten)
        {
            _records.Delete(RecordDocuments.IdOf(key));
        }

        foreach (var (key, lease) in batch.Leases)
        {
            if (lease is { } value)
            {
                _leases.Upsert(RecordDocuments.ToLeaseDocument(key, value));
            }
            else
            {
                _leases.Delete(RecordDocuments.IdOf(key));
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_db), nameof(_records), nameof(_leases), nameof(_meta), nameof(_members), nameof(_cursors))]
    private void Attach(LiteDatabase db)
    {
        _db = db;
        _records = db.GetCollection("records");
        _leases = db.GetCollection("leases");
        _meta = db.GetCollection("meta");
        _members = db.GetCollection("members");
        _cursors = db.GetCollection("cursors");
    }

    private void Reopen()
    {
        try
        {
            _db.Dispose();
        }
        catch (Exception ex) when (ex is LiteException or IOException or InvalidOperationException)
        {
            // Closing flushes what it can; the file is reopened either way.
        }

        Attach(Connect(_path));
        _reopen = false;
    }

    private static BsonDocument IdentityDocument(AgentIdentity identity) => new()
    {
        ["_id"] = "identity",
        ["node"] = identity.NodeName,
        ["inc"] = identity.Incarnation,
        ["last"] = identity.LastWrite.ToUnixTimeMilliseconds(),
    };

    private sealed class Pending(ReplicaBatch batch, IReadOnlyList<PersistedMember>? members = null, BsonDocument? cursors = null)
    {
        public ReplicaBatch Batch { get; } = batch;

        public IReadOnlyList<PersistedMember>? Members { get; } = members;

        public BsonDocument? Cursors { get; } = cursors;

        /// <summary>The batch's commit sequence (0 for members and cursors, which the snapshot does not hold).</summary>
        public long Seq { get; init; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
