using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Primitives;
using Sidecar.Registry;

namespace Sidecar.Agent.Api;

/// <summary>Service-Center's wire conventions: tenant, error bodies, empty answers, body limits.</summary>
internal static class ScHttp
{
    /// <summary>Limit for non-GET bodies (<c>server.request.maxBodyBytes</c>).</summary>
    public const int MaxBody = 2 * 1024 * 1024;

    /// <summary>Limit for a register-instance body.</summary>
    public const int MaxInstanceBody = 5 * 1024;

    /// <summary>Limit for service- and instance-properties bodies.</summary>
    public const int MaxPropertiesBody = 3 * 1024;

    public const string RevisionHeader = "X-Resource-Revision";
    public const string AgeHeader = "X-Sidecar-Age";
    public const string StaleHeader = "X-Sidecar-Stale";

    public static Tenant TenantOf(HttpContext context)
    {
        var domain = context.Request.Headers["X-Domain-Name"];
        var project = context.Request.RouteValues["project"] as string;
        return new Tenant(
            StringValues.IsNullOrEmpty(domain) ? "default" : domain.ToString(),
            string.IsNullOrEmpty(project) ? "default" : project);
    }

    /// <summary>The service named by the path's <c>{serviceId}</c> in the request's tenant, or the error to answer.</summary>
    public static Result<Replication.ServiceRef> ServiceOf(HttpContext context)
    {
        var serviceId = Route(context, "serviceId");
        if (Validation.IdValidator.ValidateServiceId(serviceId) is { } invalid)
        {
            return invalid;
        }

        var tenant = TenantOf(context);
        return new Replication.ServiceRef(tenant.Domain, tenant.Project, serviceId!);
    }

    public static string? Route(HttpContext context, string name) => context.Request.RouteValues[name] as string;

    public static string? Query(HttpContext context, string name)
    {
        var value = context.Request.Query[name];
        return StringValues.IsNullOrEmpty(value) ? null : value.ToString();
    }

    public static Task WriteErrorAsync(HttpContext context, ScError error)
    {
        context.Response.StatusCode = error.HttpStatus;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, error, Contracts.SidecarJsonContext.Default.ScError, context.RequestAborted);
    }

    /// <summary>Service-Center's "no object" success: 200, text/plain, empty body.</summary>
    public static Task WriteEmptyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return Task.CompletedTask;
    }

    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }

    public static Task WriteBytesAsync(HttpContext context, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static Task WriteResultAsync(HttpContext context, Result<Unit> result) =>
        result.Ok ? WriteEmptyAsync(context) : WriteErrorAsync(context, result.Error!);

    /// <summary>Reads a JSON body of at most <paramref name="limit"/> bytes; anything else is a 400001 error.</summary>
    public static async Task<Result<T>> ReadJsonAsync<T>(HttpContext context, int limit, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return ScError.InvalidParams("request body is empty");
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo) is { } value
                ? value
                : ScError.InvalidParams("request body is null");
        }
        catch (JsonException ex)
        {
            return ScError.InvalidParams("invalid JSON body: " + ex.Message);
        }
    }

    private static ScError TooLarge(int limit) => ScError.InvalidParams($"request body too large: the limit is {limit} bytes");
}
