using System.Collections.Immutable;
using System.Security.Cryptography;
using Sidecar.Replication;
using Sidecar.Versioning;

namespace Sidecar.Registry;

/// <summary>
/// Service-Center's find (I4 and batch find): scoping by tenant, environment and app, the consumer's access rules
/// (spec 2.3), version rules (2.1) and tag filters. The common case (every service of the name matches) answers the
/// pre-serialized bytes of the snapshot without copying.
/// </summary>
public static class Discovery
{
    public static Result<FindResult> Find(
        RegistrySnapshot snapshot, Tenant tenant, string? consumerId, string? environment, string appId, string serviceName,
        VersionRule rule, IReadOnlyList<string>? tags)
    {
        ServiceView? consumer = null;
        if (!string.IsNullOrEmpty(consumerId))
        {
            consumer = snapshot.Service(tenant.Domain, tenant.Project, consumerId);
            if (consumer is null)
            {
                return ScError.Of(ErrorCode.ServiceNotExists, $"Consumer[{consumerId}] does not exist.");
            }

            // The consumer's environment replaces the query's.
            environment = consumer.Environment;
        }

        var key = new NameKey(tenant.Domain, tenant.Project, environment ?? "", appId, serviceName);
        var answer = snapshot.Find(key);
        if (answer is null)
        {
            return ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{environment}/{appId}/{serviceName}] does not exist.");
        }

        var services = answer.Services;
        var filtered = AllMatch(services, consumer, tags)
            ? services
            : Matching(services, consumer, tags);
        if (!rule.IsAll)
        {
            filtered = [.. rule.Select(filtered, s => s.Service.Version ?? "")];
            if (filtered.IsEmpty && rule.Kind == VersionRuleKind.Exact)
            {
                return ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{appId}/{serviceName}/{rule}] does not exist.");
            }
        }

        var result = filtered.Length == services.Length
            ? new FindResult(answer.Key, services, answer.Body, answer.Revision, answer.Index, answer.Sources)
            : Filtered(answer, filtered);
        var dependsAlready = consumer is null
            || (snapshot.Consumers.TryGetValue(answer.Key, out var consumers) && consumers.Contains(consumer.Ref.ServiceId));
        return dependsAlready ? result : result with { NewDependency = consumer!.Ref };
    }

    /// <summary>Whether a consumer may see a provider: same app, or the provider allows cross-app access.</summary>
    public static bool Accessible(ServiceView? consumer, ServiceView provider) =>
        consumer is null
        || consumer.Service.AppId == provider.Service.AppId
        || string.Equals(provider.Service.Properties?.GetValueOrDefault("allowCrossApp"), "true", StringComparison.OrdinalIgnoreCase);

    private static bool AllMatch(ImmutableArray<ServiceView> services, ServiceView? consumer, IReadOnlyList<string>? tags)
    {
        foreach (var service in services)
        {
            if (!Accessible(consumer, service) || !HasTags(service, tags))
            {
                return false;
            }
        }

        return true;
    }

    // Kept out of Find: a lambda there would allocate its closure on every call, even when every service matches.
    private static ImmutableArray<ServiceView> Matching(ImmutableArray<ServiceView> services, ServiceView? consumer, IReadOnlyList<string>? tags) =>
        services.Where(s => Accessible(consumer, s) && HasTags(s, tags)).ToImmutableArray();

    private static bool HasTags(ServiceView service, IReadOnlyList<string>? tags) =>
        tags is null || tags.All(service.Tags.ContainsKey);

    private static FindResult Filtered(FindAnswer answer, ImmutableArray<ServiceView> services)
    {
        var instances = services.SelectMany(s => s.Instances).ToList();
        var body = InstanceJson.Body(instances);
        return new FindResult(answer.Key, services, body, RevisionOf(body), answer.Index, [.. services.SelectMany(s => s.Sources).Distinct()]);
    }

    // SHA-1 as Service-Center uses for revisions: an opaque change marker, not a security boundary.
#pragma warning disable CA5350
    public static string RevisionOf(byte[] body) => Convert.ToHexStringLower(SHA1.HashData(body));
#pragma warning restore CA5350
}
