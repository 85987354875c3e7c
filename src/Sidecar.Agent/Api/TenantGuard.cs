using Sidecar.Validation;

namespace Sidecar.Agent.Api;

/// <summary>
/// Validates the tenant of every request that names one (header <c>X-Domain-Name</c>, path <c>{project}</c>) before
/// an endpoint runs: domain and project become parts of record keys, so a bad one answers 400 (400001) like any
/// other bad name, never a 5xx.
/// </summary>
internal static class TenantGuard
{
    public static Task Invoke(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not null
            && (request.Headers.ContainsKey("X-Domain-Name") || request.RouteValues.ContainsKey("project"))
            && IdValidator.ValidateTenant(ScHttp.TenantOf(context)) is { } invalid)
        {
            return ScHttp.WriteErrorAsync(context, invalid);
        }

        return next(context);
    }
}
