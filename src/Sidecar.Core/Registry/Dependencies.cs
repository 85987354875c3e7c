using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>
/// S10: the dependencies recorded by finds with <c>X-ConsumerId</c>, read in both directions. A dependency names the
/// provider by environment, app and name (or alias), so it covers every version of it.
/// </summary>
public static class Dependencies
{
    /// <summary>The services <paramref name="consumer"/> depends on, every version, newest first per name; 400012 when unknown.</summary>
    public static Result<List<MicroService>> ProvidersOf(RegistrySnapshot snapshot, ServiceRef consumer, bool noSelf)
    {
        if (!snapshot.Services.ContainsKey(consumer))
        {
            return ScError.Of(ErrorCode.ServiceNotExists, $"Consumer[{consumer.ServiceId}] does not exist.");
        }

        var providers = snapshot.Consumers
            .Where(p => p.Key.Domain == consumer.Domain && p.Key.Project == consumer.Project && p.Value.Contains(consumer.ServiceId))
            .Select(p => p.Key)
            .OrderBy(k => k.Environment, StringComparer.Ordinal).ThenBy(k => k.AppId, StringComparer.Ordinal).ThenBy(k => k.ServiceName, StringComparer.Ordinal)
            .SelectMany(k => snapshot.Find(k)?.Services ?? [])
            .Where(s => !noSelf || s.Ref != consumer)
            .DistinctBy(s => s.Ref)
            .Select(s => s.Service)
            .ToList();
        return providers;
    }

    /// <summary>The services that depend on <paramref name="provider"/> by its name or its alias, by id; 400012 when unknown.</summary>
    public static Result<List<MicroService>> ConsumersOf(RegistrySnapshot snapshot, ServiceRef provider, bool noSelf)
    {
        if (!snapshot.Services.TryGetValue(provider, out var view))
        {
            return ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{provider.ServiceId}] does not exist.");
        }

        var ids = snapshot.Consumers.GetValueOrDefault(view.NameKey) ?? [];
        if (view.AliasKey is { } alias && snapshot.Consumers.TryGetValue(alias, out var byAlias))
        {
            ids = ids.Union(byAlias);
        }

        var consumers = ids
            .Where(id => !noSelf || id != provider.ServiceId)
            .Order(StringComparer.Ordinal)
            .Select(id => snapshot.Service(provider.Domain, provider.Project, id)?.Service)
            .OfType<MicroService>()
            .ToList();
        return consumers;
    }
}
