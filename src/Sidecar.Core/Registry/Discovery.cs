using System.Collections.Immutable;
using System.Security.Cryptography;
using Sidecar.Replication;
using Sidecar.Versioning;

namespace Sidecar.Registry;

/// <summary>
/// The discovery read model: find (I4 and batch find by service), list (I2) and get-one (I3 and batch find by
/// instance) all resolve the consumer, apply its access rule (spec 2.3), the tag filter and the dependency check here
/// and nowhere else. Each caller only chooses how a refusal is answered, as Service-Center does: find drops the
/// provider, list answers 400012, get-one 400017. The common find (every service of the name matches) answers the
/// pre-serialized bytes of the snapshot without copying.
/// </summary>
public static class Discovery
{
    public static Result<FindResult> Find(
        RegistrySnapshot snapshot, Tenant tenant, string? consumerId, string? environment, string appId, string serviceName,
        VersionRule rule, IReadOnlyList<string>? tags)
    {
        var resolved = ConsumerOf(snapshot, tenant, consumerId);
        if (!resolved.Ok)
        {
            return resolved.Error!;
        }

        var consumer = resolved.Value;
        if (consumer is not null)
        {
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
        return NewDependency(snapshot, consumer, answer.Key) is { } dependency ? result with { NewDependency = dependency } : result;
    }

    /// <summary>
    /// I2: one provider by id as the consumer may see it. An unknown provider, a refused consumer and a provider without
    /// the tags all answer 400012, as Service-Center's list does.
    /// </summary>
    public static Result<ProviderRead> Provider(RegistrySnapshot snapshot, ServiceRef provider, string? consumerId, IReadOnlyList<string>? tags)
    {
        var read = Read(snapshot, provider, consumerId, tags);
        if (!read.Ok)
        {
            return read.Error!;
        }

        var (view, consumer, refusal) = read.Value;
        return refusal is not null
            ? ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{provider.ServiceId}] {refusal}.")
            : new ProviderRead(view!, NewDependency(snapshot, consumer, view!.NameKey));
    }

    /// <summary>
    /// I3 and batch find by id: one instance as the consumer may see it. An unknown consumer or provider answers
    /// 400012; a refused consumer, a provider without the tags and an unknown instance answer 400017.
    /// </summary>
    public static Result<InstanceRead> Instance(RegistrySnapshot snapshot, ServiceRef provider, string instanceId, string? consumerId, IReadOnlyList<string>? tags)
    {
        var read = Read(snapshot, provider, consumerId, tags);
        if (!read.Ok)
        {
            return read.Error!;
        }

        var (view, consumer, refusal) = read.Value;
        if (refusal is not null || !view!.InstancesById.TryGetValue(instanceId, out var instance))
        {
            return ScError.Of(ErrorCode.InstanceNotExists, $"Instance[{provider.ServiceId}/{instanceId}] does not exist.");
        }

        return new InstanceRead(view, instance, NewDependency(snapshot, consumer, view.NameKey));
    }

    /// <summary>The consumer named by <c>X-ConsumerId</c>: none when the header is empty, 400012 when unknown in the tenant.</summary>
    public static Result<ServiceView?> ConsumerOf(RegistrySnapshot snapshot, Tenant tenant, string? consumerId)
    {
        if (string.IsNullOrEmpty(consumerId))
        {
            return new Result<ServiceView?>(null, null);
        }

        return snapshot.Service(tenant.Domain, tenant.Project, consumerId) is { } consumer
            ? consumer
            : ScError.Of(ErrorCode.ServiceNotExists, $"Consumer[{consumerId}] does not exist.");
    }

    /// <summary>
    /// Spec 2.3: a consumer sees a provider of its own environment and its own app, or of another app when the provider's
    /// property <c>allowCrossApp</c> is <c>true</c>. Without a consumer everything is visible.
    /// </summary>
    public static bool Accessible(ServiceView? consumer, ServiceView provider) =>
        consumer is null
        || (consumer.Environment == provider.Environment
            && (consumer.Service.AppId == provider.Service.AppId
                || string.Equals(provider.Service.Properties?.GetValueOrDefault("allowCrossApp"), "true", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The consumer to record as depending on <paramref name="provider"/>, or null when there is none or it is known.</summary>
    public static ServiceRef? NewDependency(RegistrySnapshot snapshot, ServiceView? consumer, NameKey provider) =>
        consumer is null || (snapshot.Consumers.TryGetValue(provider, out var known) && known.Contains(consumer.Ref.ServiceId))
            ? null
            : consumer.Ref;

    /// <summary>Provider and consumer of a read by id, and why the consumer may not read it (null when it may).</summary>
    private static Result<(ServiceView? Provider, ServiceView? Consumer, string? Refusal)> Read(
        RegistrySnapshot snapshot, ServiceRef provider, string? consumerId, IReadOnlyList<string>? tags)
    {
        var consumer = ConsumerOf(snapshot, new Tenant(provider.Domain, provider.Project), consumerId);
        if (!consumer.Ok)
        {
            return consumer.Error!;
        }

        if (!snapshot.Services.TryGetValue(provider, out var view))
        {
            return ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{provider.ServiceId}] does not exist.");
        }

        var refusal = !Accessible(consumer.Value, view) ? "does not exist"
            : !HasTags(view, tags) ? "has not the tags"
            : null;
        return (view, consumer.Value, refusal);
    }

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
