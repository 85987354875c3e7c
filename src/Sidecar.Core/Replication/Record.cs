namespace Sidecar.Replication;

/// <summary>A versioned registry record; a null <see cref="Value"/> is a tombstone.</summary>
/// <remarks>Value is one of MicroService, MicroServiceInstance, TagsValue, SchemaValue or DependencyValue, by kind.</remarks>
public sealed record Record(RecordKey Key, RecordVersion Version, object? Value)
{
    public bool IsTombstone => Value is null;
}
