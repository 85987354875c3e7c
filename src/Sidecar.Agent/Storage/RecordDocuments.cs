using LiteDB;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Storage;

/// <summary>How records and leases are laid out as LiteDB documents.</summary>
internal static class RecordDocuments
{
    private const char Separator = '\u001f';

    public static string IdOf(in RecordKey key) =>
        string.Join(Separator, key.Source, (int)key.Kind, key.Domain, key.Project, key.ServiceId, key.Item);

    public static BsonDocument ToDocument(Record record) => new()
    {
        ["_id"] = IdOf(record.Key),
        ["src"] = record.Key.Source,
        ["k"] = (int)record.Key.Kind,
        ["d"] = record.Key.Domain,
        ["p"] = record.Key.Project,
        ["s"] = record.Key.ServiceId,
        ["i"] = record.Key.Item,
        ["c"] = record.Version.Clock,
        ["w"] = record.Version.Writer,
        ["v"] = record.Value is null ? BsonValue.Null : new BsonValue(RecordValueCodec.Encode(record.Key.Kind, record.Value)),
    };

    /// <summary>Reads a record document; null when it is not one this version can read.</summary>
    public static Record? FromDocument(BsonDocument document)
    {
        var key = KeyOf(document);
        if (key is null || !document["c"].IsInt64 || !document["w"].IsString)
        {
            return null;
        }

        object? value = null;
        var raw = document["v"];
        if (!raw.IsNull && (!raw.IsBinary || !RecordValueCodec.TryDecode(key.Value.Kind, raw.AsBinary, out value)))
        {
            return null;
        }

        return new Record(key.Value, new RecordVersion(document["c"].AsInt64, document["w"].AsString), value);
    }

    public static BsonDocument ToLeaseDocument(in RecordKey key, Lease lease)
    {
        var document = KeyDocument(key);
        document["ttl"] = (long)lease.Ttl.TotalMilliseconds;
        document["exp"] = lease.ExpiresAt.ToUnixTimeMilliseconds();
        return document;
    }

    public static KeyValuePair<RecordKey, Lease>? LeaseFromDocument(BsonDocument document)
    {
        var key = KeyOf(document);
        if (key is null || !document["ttl"].IsInt64 || !document["exp"].IsInt64)
        {
            return null;
        }

        var lease = new Lease(TimeSpan.FromMilliseconds(document["ttl"].AsInt64), DateTimeOffset.FromUnixTimeMilliseconds(document["exp"].AsInt64));
        return new(key.Value, lease);
    }

    private static BsonDocument KeyDocument(in RecordKey key) => new()
    {
        ["_id"] = IdOf(key),
        ["src"] = key.Source,
        ["k"] = (int)key.Kind,
        ["d"] = key.Domain,
        ["p"] = key.Project,
        ["s"] = key.ServiceId,
        ["i"] = key.Item,
    };

    private static RecordKey? KeyOf(BsonDocument document)
    {
        string[] fields = ["src", "d", "p", "s", "i"];
        if (fields.Any(f => !document[f].IsString) || !document["k"].IsInt32 || !Enum.IsDefined((RecordKind)document["k"].AsInt32))
        {
            return null;
        }

        return new RecordKey(document["src"].AsString, (RecordKind)document["k"].AsInt32, document["d"].AsString,
            document["p"].AsString, document["s"].AsString, document["i"].AsString);
    }
}
