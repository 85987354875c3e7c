using System.Globalization;
using Sidecar.Agent.Sources;
using Sidecar.Replication;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>
/// <c>GET /v1/services?index=&amp;wait=</c>: every service name of the request's tenant with its versions and instance
/// counts, for the status page and operators. A blocking query like the instances lookup: with <c>index</c> it
/// answers once the replica's snapshot index differs from it or <c>wait</c> passes; <c>X-Sidecar-Index</c> and the
/// body's <c>index</c> carry the index to send next time.
/// </summary>
/// <remarks>
/// The index is the whole replica's, so a change elsewhere (a tag, another tenant) also answers early; that costs one
/// re-render of a page, and keeps the answer exact without remembering what each waiter saw.
/// </remarks>
internal static class ServiceListEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/services", ListAsync);

    private static async Task ListAsync(HttpContext context, Replica replica)
    {
        var indexError = AgentEndpoints.ParseIndex(Query(context, "index"), out var index);
        var waitError = AgentEndpoints.ParseWait(Query(context, "wait"), out var wait);
        var error = indexError ?? waitError;
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var snapshot = replica.Snapshot;
        if (index is { } known && snapshot.Index == known)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(wait);
            try
            {
                await replica.WaitForChangeAsync(known, timeout.Token);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // wait elapsed: answer what we have.
            }

            snapshot = replica.Snapshot;
        }

        var tenant = TenantOf(context);
        var services = snapshot.Names
            .Where(p => p.Key.Domain == tenant.Domain && p.Key.Project == tenant.Project)
            .Select(p => Summary(p.Key, p.Value))
            .OrderBy(s => s.AppId, StringComparer.Ordinal)
            .ThenBy(s => s.ServiceName, StringComparer.Ordinal)
            .ThenBy(s => s.Environment, StringComparer.Ordinal)
            .ToList();
        context.Response.Headers[AgentEndpoints.IndexHeader] = snapshot.Index.ToString(CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, new ServiceListResponse(snapshot.Index, services), AgentJsonContext.Default.ServiceListResponse);
    }

    private static ServiceSummary Summary(NameKey key, FindAnswer answer)
    {
        var instances = answer.Services.SelectMany(s => s.Instances).ToList();
        return new ServiceSummary(
            key.AppId, key.ServiceName, key.Environment,
            [.. answer.Services.Select(s => s.Service.Version ?? "")],
            instances.Count,
            instances.Count(i => string.Equals(i.Instance.Status ?? "UP", "UP", StringComparison.OrdinalIgnoreCase)),
            answer.Sources);
    }
}
