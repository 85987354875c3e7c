using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sidecar.Agent.Hosting;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>
/// M6: <c>/v4/default/admin/dump</c> and <c>/admin/clusters</c>, what Service-Center's aggregator pulls from each
/// remote cluster (spec 4.2), so that a Service-Center can list this agent's cluster in its <c>sc.discovery.clusters</c>.
/// Only the default domain and project may read them (403001 otherwise), as in Service-Center.
/// </summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v4/{project}/admin/dump", Dump);
        app.MapGet("/v4/{project}/admin/clusters", Clusters);
    }

    /// <remarks>
    /// Built on the writer loop, which alone can read each record's clock: the clock is the entry's <c>rev</c>, so it
    /// grows with every change of the entry, as an etcd modification revision does.
    /// </remarks>
    private static async Task Dump(HttpContext context, Replica replica, AgentOptions options)
    {
        if (Forbidden(context) is { } forbidden)
        {
            await WriteErrorAsync(context, forbidden);
            return;
        }

        var cache = await replica.WriteAsync(
            writer => RegistryDump.Build(
                writer.Snapshot,
                key => writer.Get(key)?.Version.Clock,
                source => RegistryDump.ClusterOf(source, options.ClusterName)),
            context.RequestAborted);
        await WriteJsonAsync(context, new DumpResponse(cache), SidecarJsonContext.Default.DumpResponse);
    }

    /// <summary>This agent's cluster with the addresses it listens on, and every remote cluster of <c>--clusters</c>.</summary>
    private static Task Clusters(HttpContext context, AgentOptions options, IServer server)
    {
        if (Forbidden(context) is { } forbidden)
        {
            return WriteErrorAsync(context, forbidden);
        }

        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() is { Count: > 0 } addresses
            ? addresses
            : [$"http://{options.Listen}"];
        var clusters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [options.ClusterName] = own };
        foreach (var remote in options.Clusters)
        {
            clusters[remote.Name] = [.. remote.Urls.Select(u => u.ToString().TrimEnd('/'))];
        }

        return WriteJsonAsync(context, new ClustersResponse(clusters), SidecarJsonContext.Default.ClustersResponse);
    }

    private static ScError? Forbidden(HttpContext context) =>
        TenantOf(context) == Tenant.Default ? null : ScError.Of(ErrorCode.Forbidden, "admin APIs are only served to the default domain and project");
}
