using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

internal sealed partial class LiteDbReplicaStore
{
    /// <summary>
    /// Opens (or creates) the file under <paramref name="dataDir"/> and reads it whole. A file that cannot be read
    /// is kept beside as <c>sidecar.db.corrupt-&lt;time&gt;</c> and the agent starts empty, rather than crash-looping.
    /// </summary>
    /// <param name="dataDir">The data dir (created if missing).</param>
    /// <param name="timeProvider">The clock of the store's group commit and retries.</param>
    /// <param name="logger">Where the store logs.</param>
    /// <param name="prefetched">The snapshot as read ahead of the store (<see cref="ReplicaSnapshotFile.Prefetch"/>), if any.</param>
    /// <exception cref="StorageException">The data dir cannot be created or written.</exception>
    public static (LiteDbReplicaStore Store, PersistedState State) Open(string dataDir, TimeProvider timeProvider, ILogger logger, ReplicaSnapshotFile.Prefetched? prefetched = null)
    {
        var dir = EnsureWritable(dataDir);
        var dataDirLock = LockDataDir(dir);
        var path = System.IO.Path.Combine(dir, FileName);
        try
        {
            return Load(path, dataDirLock, timeProvider, logger, prefetched);
        }
        catch (Exception ex) when (ex is LiteException or InvalidCastException or IOException or InvalidOperationException or FormatException or ArgumentException)
        {
            var kept = path + ".corrupt-" + timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            File.Move(path, kept);
            var log = System.IO.Path.ChangeExtension(path, null) + "-log.db";
            if (File.Exists(log))
            {
                File.Move(log, kept + "-log");
            }

            Log.CorruptFile(logger, ex, path, kept);
            return Load(path, dataDirLock, timeProvider, logger);
        }
    }

    private static (LiteDbReplicaStore, PersistedState) Load(string path, FileStream dataDirLock, TimeProvider timeProvider, ILogger logger, ReplicaSnapshotFile.Prefetched? prefetched = null)
    {
        var db = Connect(path);
        try
        {
            var store = new LiteDbReplicaStore(db, path, dataDirLock, timeProvider, logger);
            var unreadable = 0;
            Hosting.StartupProfile.Mark("storage-open");
            var identity = store._meta.FindById("identity") is { } doc
                ? new AgentIdentity(doc["node"].AsString, doc["inc"].AsInt64, DateTimeOffset.FromUnixTimeMilliseconds(doc["last"].AsInt64))
                : null;
            var fromSnapshot = store.TryReadSnapshot(store.LoadSequence(), identity?.Incarnation, prefetched, out var records, out var leases);
            foreach (var document in fromSnapshot ? Enumerable.Empty<BsonDocument>() : store._records.FindAll())
            {
                var decodeStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var decoded = RecordDocuments.FromDocument(document);
                Hosting.StartupProfile.Add("decode-json", System.Diagnostics.Stopwatch.GetTimestamp() - decodeStarted);
                if (decoded is { } record)
                {
                    records.Add(record);
                }
                else
                {
                    unreadable++;
                }
            }

            if (!fromSnapshot)
            {
                leases = store._leases.FindAll().Select(RecordDocuments.LeaseFromDocument).OfType<KeyValuePair<RecordKey, Lease>>().ToList();
            }

            if (unreadable > 0)
            {
                Log.UnreadableRecords(logger, unreadable, path);
            }

            return (store, new PersistedState(records, leases, identity, unreadable));
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static LiteDatabase Connect(string path) => new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });

    /// <summary>Two agents on one data dir would corrupt the file: the second one is refused while the first runs.</summary>
    private static FileStream LockDataDir(string dir)
    {
        try
        {
            return new FileStream(System.IO.Path.Combine(dir, "sidecar.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StorageException($"--data-dir '{dir}' is in use by another sidecar agent ({ex.Message}); give each agent its own --data-dir");
        }
    }

    private static string EnsureWritable(string dataDir)
    {
        var full = System.IO.Path.GetFullPath(dataDir);
        try
        {
            Directory.CreateDirectory(full);
            var probe = System.IO.Path.Combine(full, ".write-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"--data-dir '{full}' is not writable ({ex.Message}); point --data-dir (or SIDECAR_DATA_DIR) at a writable folder, e.g. a mounted volume");
        }
    }
}
