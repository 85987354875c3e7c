using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Api;

/// <summary>
/// A write the replica could not make (the store failed to commit, e.g. the disk is full; or the writer loop
/// stopped) answers as Service-Center answers a failed backend (etcd, mongo): 500 with errorCode 500011
/// "Registry service is unavailable" and the cause in <c>detail</c>. Nothing of the write was applied, so the client
/// may retry; reads keep being served from memory.
/// </summary>
internal static class UnavailableAnswer
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (ReplicaUnavailableException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await ScHttp.WriteErrorAsync(context, ScError.Of(ErrorCode.UnavailableBackend, ex.Message));
        }
    }
}
