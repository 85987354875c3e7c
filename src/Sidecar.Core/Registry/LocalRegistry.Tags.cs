using Sidecar.Contracts;
using Sidecar.Replication;

namespace Sidecar.Registry;

public sealed partial class LocalRegistry
{
    /// <summary>S8 POST: adds tags (existing keys are overwritten).</summary>
    public Task<Result<Unit>> AddTagsAsync(ServiceRef service, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        UpdateTagsAsync(service, current =>
        {
            foreach (var (key, value) in tags)
            {
                current[key] = value;
            }

            return null;
        }, cancellationToken);

    /// <summary>S8 PUT: changes the value of one existing tag.</summary>
    public Task<Result<Unit>> UpdateTagAsync(ServiceRef service, string key, string value, CancellationToken cancellationToken) =>
        UpdateTagsAsync(service, current =>
        {
            if (!current.ContainsKey(key))
            {
                return ScError.Of(ErrorCode.TagNotExists, $"Tag[{key}] does not exist.");
            }

            current[key] = value;
            return null;
        }, cancellationToken);

    /// <summary>S8 DELETE: removes tags; every key must exist.</summary>
    public Task<Result<Unit>> DeleteTagsAsync(ServiceRef service, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        UpdateTagsAsync(service, current =>
        {
            if (keys.FirstOrDefault(k => !current.ContainsKey(k)) is { } missing)
            {
                return ScError.Of(ErrorCode.TagNotExists, $"Tag[{missing}] does not exist.");
            }

            foreach (var key in keys)
            {
                current.Remove(key);
            }

            return null;
        }, cancellationToken);

    private Task<Result<Unit>> UpdateTagsAsync(ServiceRef service, Func<Dictionary<string, string>, ScError?> update, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalService(writer, service);
            if (!local.Ok)
            {
                return local.Error!;
            }

            var key = RecordKey.ForTags(writer.LocalSource, service);
            var tags = writer.Get(key)?.Value is TagsValue current
                ? new Dictionary<string, string>(current.Tags)
                : new Dictionary<string, string>();
            if ((update(tags) ?? CheckTagQuota(tags.Count)) is { } error)
            {
                return error;
            }

            writer.Put(key, new TagsValue(tags));
            return Unit.Value;
        }, cancellationToken);

    /// <summary>S9 PUT one: creates or replaces one schema.</summary>
    public Task<Result<Unit>> PutSchemaAsync(ServiceRef service, string schemaId, SchemaValue schema, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalService(writer, service);
            if (!local.Ok)
            {
                return local.Error!;
            }

            var known = ((MicroService)local.Value!.Value!).Schemas ?? [];
            if (!known.Contains(schemaId) && CheckSchemaQuota(known.Count + 1) is { } quota)
            {
                return quota;
            }

            writer.Put(RecordKey.ForSchema(writer.LocalSource, service, schemaId), schema);
            AddSchemaId(writer, local.Value!, schemaId);
            return Unit.Value;
        }, cancellationToken);

    /// <summary>S9 POST: replaces the whole set of schemas.</summary>
    public Task<Result<Unit>> PutSchemasAsync(ServiceRef service, IReadOnlyList<SchemaBody> schemas, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalService(writer, service);
            if (!local.Ok)
            {
                return local.Error!;
            }

            var keep = schemas.Select(s => s.SchemaId!).ToHashSet(StringComparer.Ordinal);
            if (CheckSchemaQuota(keep.Count) is { } quota)
            {
                return quota;
            }

            foreach (var old in writer.Snapshot.Services[service].Schemas.Keys.Where(id => !keep.Contains(id)))
            {
                writer.Delete(RecordKey.ForSchema(writer.LocalSource, service, old));
            }

            foreach (var schema in schemas)
            {
                writer.Put(RecordKey.ForSchema(writer.LocalSource, service, schema.SchemaId!), new SchemaValue(schema.Schema ?? "", schema.Summary));
            }

            var current = (MicroService)local.Value!.Value!;
            writer.Put(local.Value.Key, current with { Schemas = keep.Count > 0 ? [.. keep.Order(StringComparer.Ordinal)] : null });
            return Unit.Value;
        }, cancellationToken);

    private static void AddSchemaId(ReplicaWriter writer, Record serviceRecord, string schemaId)
    {
        var current = (MicroService)serviceRecord.Value!;
        if (current.Schemas?.Contains(schemaId) != true)
        {
            writer.Put(serviceRecord.Key, current with { Schemas = [.. current.Schemas ?? [], schemaId] });
        }
    }
}
