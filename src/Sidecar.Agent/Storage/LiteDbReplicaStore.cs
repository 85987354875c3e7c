using System.Collections.Concurrent;
using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>
/// Persists the replica in one LiteDB file. LiteDB is synchronous, so one dedicated thread does every write:
/// batches holding local writes are committed at once and acknowledged after the commit; replicated changes and
/// lease renewals wait up to <see cref="GroupCommitWindow"/> so that many batches share one commit.
/// </summary>
internal sealed partial class LiteDbReplicaStore : IReplicaStore, ISyncCursorStore, Gossip.IMemberStore, IDisposable
{
    public const string FileName = "sidecar.db";

    /// <summary>Longest a non-durable change waits for its commit.</summary>
    public static readonly TimeSpan GroupCommitWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>How often carried changes are written again while no other commit comes.</summary>
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Free space a commit needs beyond <see cref="BytesPerDocument"/> per document (see EnsureFreeSpace).</summary>
    public const long FreeSpaceReserve = 1024 * 1024;

    public const long BytesPerDocument = 2 * 1024;

    private readonly FileStream _lock;
    private readonly string _path;
    private LiteDatabase _db;
    private ILiteCollection<BsonDocument> _records;
    private ILiteCollection<BsonDocument> _leases;
    private ILiteCollection<BsonDocument> _meta;
    private ILiteCollection<BsonDocument> _members;
    private ILiteCollection<BsonDocument> _cursors;
    private bool _reopen;
    private readonly string _dir;
    private readonly CarriedChanges _carried = new();
    private volatile string? _writeError;
    private int _carriedRecords;
    private long _failingSince;
    private long _retryAfter;
    private int _failedAttempts;
    private long _stillFailingLogged;

    /// <summary>Databases whose commit failed inside LiteDB, kept reachable for good (see <see cref="Reopen"/>).</summary>
    private static readonly List<LiteDatabase> s_broken = [];
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
        _dir = System.IO.Path.GetDirectoryName(path)!;
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
        _db.BeginTrans();
        _meta.Upsert(IdentityDocument(identity));
        CarryStamp(previous?.Incarnation);
        _db.Commit();
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

    /// <summary>Why the last commit failed while it has not succeeded since (replicated changes are carried meanwhile); null when writing works.</summary>
    public string? WriteError => _writeError;

    /// <summary>Replicated records whose commit failed and that wait for the next one.</summary>
    public int CarriedRecords => Volatile.Read(ref _carriedRecords);

    /// <summary>Tests only: hands every commit to LiteDB even when the disk is full, to exercise LiteDB's own failure.</summary>
    internal bool SkipFreeSpaceCheck { get; set; }

    /// <summary>Databases kept after a failed commit, for tests.</summary>
    internal static int BrokenDatabases
    {
        get
        {
            lock (s_broken)
            {
                return s_broken.Count;
            }
        }
    }

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

        if (_reopen)
        {
            Reopen(attach: false);
        }
        else
        {
            _db.Dispose();
        }

        _queue.Dispose();
        _lock.Dispose();
    }

    private void WriteLoop()
    {
        var group = new List<Pending>();
        while (true)
        {
            // While changes are carried, wake up every RetryPeriod to write them even if nothing new comes.
            if (!_queue.TryTake(out var first, _carried.IsEmpty ? Timeout.Infinite : (int)RetryPeriod.TotalMilliseconds))
            {
                if (_queue.IsCompleted)
                {
                    break;
                }

                Commit(group);
                continue;
            }

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

        // Stopping: one last try for what is still carried (memory, which holds it too, is about to go).
        if (!_carried.IsEmpty)
        {
            Commit(group);
        }
    }

    private void Commit(List<Pending> group)
    {
        var touchedFile = false;
        try
        {
            var durable = group.Exists(p => p.Batch.Durable);
            if (_timeProvider.GetTimestamp() < _retryAfter)
            {
                throw new IOException(_writeError);
            }

            EnsureFreeSpace(group);
            touchedFile = true;
            if (_reopen)
            {
                Reopen();
            }

            _db.BeginTrans();
            _carried.WriteTo(_records, _leases, _cursors, SaveMembersInTransaction);
            foreach (var pending in group)
            {
                Apply(pending.Batch);
                if (pending.Cursors is { } cursors)
                {
                    _cursors.Upsert(cursors);
                }

                if (pending.Members is { } members)
                {
                    SaveMembersInTransaction(members);
                }
            }

            if (durable)
            {
                _meta.Upsert(IdentityDocument(new AgentIdentity(_nodeName, _incarnation, _timeProvider.GetUtcNow())));
            }

            if (group.Count > 0)
            {
                // A retry of carried changes alone has no batch of its own to stamp.
                StampSequence(group.Max(p => p.Seq));
            }

            _db.Commit();
        }
        catch (Exception ex)
        {
            Fail(group, ex, touchedFile);
            return;
        }

        if (_failingSince != 0)
        {
            var seconds = _timeProvider.GetElapsedTime(_failingSince).TotalSeconds;
            Log.CaughtUp(_logger, _carried.RecordCount, seconds);
            _failingSince = 0;
            _failedAttempts = 0;
        }

        _carried.Clear();
        Volatile.Write(ref _carriedRecords, 0);
        _writeError = null;
        foreach (var pending in group)
        {
            pending.Completion.TrySetResult();
        }
    }

    /// <summary>
    /// Local writes fail (their callers answer 500011); replicated ones are carried, because memory already shows
    /// them and nothing would write them again before that key changes.
    /// </summary>
    private void Fail(List<Pending> group, Exception ex, bool touchedFile)
    {
        // No snapshot for the rest of this run: memory may now hold changes the file does not.
        _commitFailed = true;
        if (touchedFile)
        {
            try
            {
                _db.Rollback();
            }
            catch (Exception rollback) when (rollback is LiteException or IOException or InvalidOperationException)
            {
                // The commit's own failure is what the writers need to hear about.
            }

            // A write that failed half-way can leave LiteDB's page cache unusable: the next commit opens the file
            // afresh (see Reopen). Each such attempt costs one engine kept for good, so they are spaced out.
            _reopen = true;
            _failedAttempts++;
            var backoff = TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(_failedAttempts - 1, 6)));
            _retryAfter = _timeProvider.GetTimestamp() + (long)(backoff.TotalSeconds * _timeProvider.TimestampFrequency);
        }

        var carriedBefore = _carried.RecordCount;
        foreach (var pending in group)
        {
            if (pending.Batch.Durable)
            {
                pending.Completion.TrySetException(ex);
            }
            else
            {
                _carried.Add(pending.Batch, pending.Members, pending.Cursors);
            }
        }

        Volatile.Write(ref _carriedRecords, _carried.RecordCount);
        _writeError = ex.Message;
        if (_failingSince == 0)
        {
            _failingSince = _timeProvider.GetTimestamp();
            Log.CommitFailed(_logger, ex, group.Count, _carried.RecordCount);
        }
        else if ((_carried.RecordCount > carriedBefore || touchedFile) && _timeProvider.GetElapsedTime(_stillFailingLogged) >= TimeSpan.FromMinutes(1))
        {
            _stillFailingLogged = _timeProvider.GetTimestamp();
            Log.StillFailing(_logger, _carried.RecordCount, ex.Message);
        }
    }

    /// <summary>
    /// Refuses a commit, without handing it to LiteDB, when the data dir's disk has less free space than the commit
    /// may need: LiteDB 5.0.21 cannot recover cleanly from a write that fails for lack of space (see
    /// <see cref="Reopen"/>), so a full disk is met here instead, and the carried changes are retried every second
    /// at no cost until space returns.
    /// </summary>
    private void EnsureFreeSpace(List<Pending> group)
    {
        if (SkipFreeSpaceCheck)
        {
            return;
        }

        long free;
        try
        {
            free = new DriveInfo(_dir).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return;
        }

        var documents = _carried.RecordCount + 1;
        foreach (var pending in group)
        {
            documents += pending.Batch.Changes.Count + pending.Batch.Leases.Count + pending.Batch.Forgotten.Count + (pending.Members?.Count ?? 0) + 1;
        }

        var needed = FreeSpaceReserve + (documents * BytesPerDocument);
        if (free < needed)
        {
            throw new IOException($"no space left on the data dir's disk ({free:N0} bytes free, a commit of {documents:N0} documents needs {needed:N0})");
        }
    }

    private void SaveMembersInTransaction(IReadOnlyList<PersistedMember> members)
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

    private void Apply(ReplicaBatch batch)
    {
        // One call for the batch: LiteDB sets up its collection snapshot and index service once per call, which
        // was about a quarter of the storage thread's time with one call per record (P9, profiled).
        if (batch.Changes.Count > 0)
        {
            _records.Upsert(batch.Changes.Select(change => RecordDocuments.ToDocument(change.After)));
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

    /// <remarks>
    /// LiteDB 5.0.21 marks each page readable before writing it to the -log file (<c>DiskService.WriteLogDisk</c>).
    /// When that write fails (disk full, I/O error) the transaction keeps a page it can no longer discard: its
    /// Rollback, its Dispose and its finalizer all throw <c>discarded page must be writable</c>. The first two are
    /// caught here; the finalizer would run on the finalizer thread, where the exception kills the process. So the
    /// broken database (which, through its engine's transaction monitor, still references that transaction) is never
    /// let go: it stays reachable until the process exits, and that finalizer never runs. Suppressing LiteDatabase's or
    /// LiteEngine's finalizers does not help: the throwing one is <c>TransactionService</c>'s.
    /// </remarks>
    private void Reopen(bool attach = true)
    {
        var broken = _db;
        try
        {
            broken.Dispose();
        }
        catch (Exception ex) when (ex is LiteException or IOException or InvalidOperationException or AggregateException)
        {
            // Closing flushes what it can; the file is reopened either way.
        }

        lock (s_broken)
        {
            s_broken.Add(broken);
        }

        if (attach)
        {
            Attach(Connect(_path));
            _reopen = false;
        }
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
