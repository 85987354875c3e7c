using System.Collections.Immutable;

namespace Sidecar.Replication;

/// <summary>The answer of a find by name (all versions), computed once per change.</summary>
public sealed class FindAnswer
{
    public required NameKey Key { get; init; }

    /// <summary>The matching services, newest version first.</summary>
    public required ImmutableArray<ServiceView> Services { get; init; }

    /// <summary><c>{"instances":[...]}</c>, or <c>{}</c> when no instance exists.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Opaque revision of <see cref="Body"/>: equal when the body is equal.</summary>
    public required string Revision { get; init; }

    /// <summary>Every source that contributed a service or an instance (for staleness headers).</summary>
    public required ImmutableArray<string> Sources { get; init; }

    /// <summary>The snapshot index at which <see cref="Body"/> last changed.</summary>
    public required long Index { get; init; }
}
