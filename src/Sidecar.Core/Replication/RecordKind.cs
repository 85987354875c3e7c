namespace Sidecar.Replication;

/// <summary>What a record holds.</summary>
public enum RecordKind : byte
{
    /// <summary>A <see cref="Registry.MicroService"/>.</summary>
    Service = 1,

    /// <summary>A <see cref="Registry.MicroServiceInstance"/>.</summary>
    Instance = 2,

    /// <summary>A service's tags (<see cref="TagsValue"/>).</summary>
    Tags = 3,

    /// <summary>One schema of a service (<see cref="SchemaValue"/>).</summary>
    Schema = 4,

    /// <summary>A consumer's dependency on a provider name (<see cref="DependencyValue"/>).</summary>
    Dependency = 5,
}
