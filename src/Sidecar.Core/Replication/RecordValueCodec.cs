using System.Text.Json;
using Sidecar.Contracts;
using Sidecar.Registry;

namespace Sidecar.Replication;

/// <summary>Encodes record values as UTF-8 JSON for storage and for peers; the kind says which type it is.</summary>
public static class RecordValueCodec
{
    public static byte[] Encode(RecordKind kind, object value) => kind switch
    {
        RecordKind.Service => JsonSerializer.SerializeToUtf8Bytes((MicroService)value, SidecarJsonContext.Default.MicroService),
        RecordKind.Instance => JsonSerializer.SerializeToUtf8Bytes((MicroServiceInstance)value, SidecarJsonContext.Default.MicroServiceInstance),
        RecordKind.Tags => JsonSerializer.SerializeToUtf8Bytes((TagsValue)value, SidecarJsonContext.Default.TagsValue),
        RecordKind.Schema => JsonSerializer.SerializeToUtf8Bytes((SchemaValue)value, SidecarJsonContext.Default.SchemaValue),
        RecordKind.Dependency => JsonSerializer.SerializeToUtf8Bytes((DependencyValue)value, SidecarJsonContext.Default.DependencyValue),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    /// <summary>Decodes a value; false (never an exception) for bytes that are not a valid value of the kind.</summary>
    public static bool TryDecode(RecordKind kind, ReadOnlySpan<byte> json, out object? value)
    {
        try
        {
            value = kind switch
            {
                RecordKind.Service => JsonSerializer.Deserialize(json, SidecarJsonContext.Default.MicroService),
                RecordKind.Instance => JsonSerializer.Deserialize(json, SidecarJsonContext.Default.MicroServiceInstance),
                RecordKind.Tags => JsonSerializer.Deserialize(json, SidecarJsonContext.Default.TagsValue),
                RecordKind.Schema => JsonSerializer.Deserialize(json, SidecarJsonContext.Default.SchemaValue),
                RecordKind.Dependency => JsonSerializer.Deserialize(json, SidecarJsonContext.Default.DependencyValue),
                _ => null,
            };
        }
        catch (JsonException)
        {
            value = null;
        }

        return value is not null;
    }
}
