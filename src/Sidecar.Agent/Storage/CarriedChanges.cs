using LiteDB;
using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>
/// Replicated (non-durable) changes whose group commit failed. Memory already shows them and nobody waits for them,
/// so they are kept here, folded by key (a later change replaces an earlier one: the writer loop hands changes over
/// in the order it applied them), and written again with the next commit until one succeeds.
/// </summary>
/// <remarks>Touched only by the storage thread.</remarks>
internal sealed class CarriedChanges
{
    private readonly Dictionary<RecordKey, Record?> _records = [];
    private readonly Dictionary<RecordKey, Lease?> _leases = [];
    private readonly Dictionary<string, BsonDocument> _cursors = new(StringComparer.Ordinal);
    private IReadOnlyList<PersistedMember>? _members;

    public bool IsEmpty => _records.Count == 0 && _leases.Count == 0 && _cursors.Count == 0 && _members is null;

    /// <summary>Records (and purges) waiting, for logs and tests.</summary>
    public int RecordCount => _records.Count;

    public void Add(ReplicaBatch batch, IReadOnlyList<PersistedMember>? members, BsonDocument? cursors)
    {
        foreach (var change in batch.Changes)
        {
            _records[change.After.Key] = change.After;
        }

        foreach (var key in batch.Forgotten)
        {
            _records[key] = null;
        }

        foreach (var (key, lease) in batch.Leases)
        {
            _leases[key] = lease;
        }

        if (members is not null)
        {
            _members = members;
        }

        if (cursors is not null)
        {
            _cursors[cursors["_id"].AsString] = cursors;
        }
    }

    /// <summary>Writes everything carried into the open transaction (before the new group, which may override it).</summary>
    public void WriteTo(ILiteCollection<BsonDocument> records, ILiteCollection<BsonDocument> leases, ILiteCollection<BsonDocument> cursors, Action<IReadOnlyList<PersistedMember>> saveMembers)
    {
        foreach (var (key, record) in _records)
        {
            if (record is null)
            {
                records.Delete(RecordDocuments.IdOf(key));
            }
            else
            {
                records.Upsert(RecordDocuments.ToDocument(record));
            }
        }

        foreach (var (key, lease) in _leases)
        {
            if (lease is { } value)
            {
                leases.Upsert(RecordDocuments.ToLeaseDocument(key, value));
            }
            else
            {
                leases.Delete(RecordDocuments.IdOf(key));
            }
        }

        foreach (var document in _cursors.Values)
        {
            cursors.Upsert(document);
        }

        if (_members is { } members)
        {
            saveMembers(members);
        }
    }

    public void Clear()
    {
        _records.Clear();
        _leases.Clear();
        _cursors.Clear();
        _members = null;
    }
}
