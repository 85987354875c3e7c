using System.Collections.Immutable;

namespace Sidecar.Replication;

/// <summary>An immutable view of the whole registry. Readers take one and never lock.</summary>
public sealed class RegistrySnapshot
{
    public static RegistrySnapshot Empty { get; } = new()
    {
        Index = 0,
        Services = ImmutableDictionary<ServiceRef, ServiceView>.Empty,
        Names = ImmutableDictionary<NameKey, FindAnswer>.Empty,
        Aliases = ImmutableDictionary<NameKey, FindAnswer>.Empty,
        Consumers = ImmutableDictionary<NameKey, ImmutableHashSet<string>>.Empty,
    };

    /// <summary>Grows by one with every published change.</summary>
    public required long Index { get; init; }

    public required ImmutableDictionary<ServiceRef, ServiceView> Services { get; init; }

    /// <summary>Find answers by service name.</summary>
    public required ImmutableDictionary<NameKey, FindAnswer> Names { get; init; }

    /// <summary>Find answers by alias; consulted only when no service has the name.</summary>
    public required ImmutableDictionary<NameKey, FindAnswer> Aliases { get; init; }

    /// <summary>Consumer service ids that depend on a provider name (within the provider's tenant).</summary>
    public required ImmutableDictionary<NameKey, ImmutableHashSet<string>> Consumers { get; init; }

    /// <summary>The find answer for a name, falling back to aliases as Service-Center does.</summary>
    public FindAnswer? Find(in NameKey key) =>
        Names.TryGetValue(key, out var answer) ? answer : Aliases.GetValueOrDefault(key);

    public ServiceView? Service(string domain, string project, string serviceId) =>
        Services.GetValueOrDefault(new ServiceRef(domain, project, serviceId));
}
