using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>
/// S10: a consumer's providers and a provider's consumers. <c>noSelf=1</c> leaves out the service itself;
/// <c>sameDomain=1</c> is accepted and changes nothing, because dependencies never leave their tenant here (Service-Center
/// uses it to leave out its shared services of another tenant).
/// </summary>
internal static class DependencyEndpoints
{
    public static void Map(RouteGroupBuilder registry)
    {
        registry.MapGet("/microservices/{serviceId}/providers", Providers);
        registry.MapGet("/microservices/{serviceId}/consumers", Consumers);
    }

    private static Task Providers(HttpContext context, Replica replica)
    {
        var consumer = ServiceOf(context);
        var providers = consumer.Ok ? Dependencies.ProvidersOf(replica.Snapshot, consumer.Value, NoSelf(context)) : consumer.Error!;
        return providers.Ok
            ? WriteJsonAsync(context, new ProvidersResponse(providers.Value!.Count > 0 ? providers.Value : null), SidecarJsonContext.Default.ProvidersResponse)
            : WriteErrorAsync(context, providers.Error!);
    }

    private static Task Consumers(HttpContext context, Replica replica)
    {
        var provider = ServiceOf(context);
        var consumers = provider.Ok ? Dependencies.ConsumersOf(replica.Snapshot, provider.Value, NoSelf(context)) : provider.Error!;
        return consumers.Ok
            ? WriteJsonAsync(context, new ConsumersResponse(consumers.Value!.Count > 0 ? consumers.Value : null), SidecarJsonContext.Default.ConsumersResponse)
            : WriteErrorAsync(context, consumers.Error!);
    }

    private static bool NoSelf(HttpContext context) => IdValidator.IsTrue(Query(context, "noSelf"));
}
