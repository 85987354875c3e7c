using System.Collections.Immutable;
using Sidecar.Registry;

namespace Sidecar.Replication;

/// <summary>A service merged from every source that holds it, with its answers computed once per change.</summary>
public sealed class ServiceView
{
    public required ServiceRef Ref { get; init; }

    public required MicroService Service { get; init; }

    /// <summary>The source whose service record is shown (the most preferred one that holds it).</summary>
    public required string Source { get; init; }

    public required ImmutableDictionary<string, string> Tags { get; init; }

    public required ImmutableSortedDictionary<string, SchemaValue> Schemas { get; init; }

    /// <summary>Instances of every source, one per instance id, ordered by id.</summary>
    public required ImmutableArray<InstanceView> Instances { get; init; }

    public required ImmutableDictionary<string, InstanceView> InstancesById { get; init; }

    /// <summary>Every source that contributed the service or one of its instances.</summary>
    public required ImmutableArray<string> Sources { get; init; }

    /// <summary>The instance list as the I2 answer body: <c>{"instances":[...]}</c>, or <c>{}</c> when empty.</summary>
    public required byte[] InstancesBody { get; init; }

    /// <summary>Opaque revision of <see cref="InstancesBody"/>: equal when the body is equal.</summary>
    public required string Revision { get; init; }

    /// <summary>The snapshot index at which the instance list last changed.</summary>
    public required long Index { get; init; }

    public string Environment => Service.Environment ?? "";

    public NameKey NameKey => new(Ref.Domain, Ref.Project, Environment, Service.AppId ?? "", Service.ServiceName ?? "");

    public NameKey? AliasKey => string.IsNullOrEmpty(Service.Alias)
        ? null
        : new NameKey(Ref.Domain, Ref.Project, Environment, Service.AppId ?? "", Service.Alias);
}
