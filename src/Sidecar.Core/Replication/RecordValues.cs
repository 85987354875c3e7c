namespace Sidecar.Replication;

// Values of the record kinds that have no Service-Center wire type of their own.

/// <summary>A service's tags.</summary>
public sealed record TagsValue(IReadOnlyDictionary<string, string> Tags);

/// <summary>One schema of a service.</summary>
public sealed record SchemaValue(string Schema, string? Summary);

/// <summary>A consumer depends on every version of this provider (recorded by a find with <c>X-ConsumerId</c>).</summary>
public sealed record DependencyValue(string Environment, string AppId, string ServiceName);
