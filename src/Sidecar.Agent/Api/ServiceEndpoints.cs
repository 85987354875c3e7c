using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using Sidecar.Versioning;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>Service-level endpoints S1-S9 of the Service-Center v4 API.</summary>
internal static class ServiceEndpoints
{
    public static void Map(RouteGroupBuilder registry)
    {
        registry.MapGet("/existence", Existence);
        registry.MapPost("/microservices", Register);
        registry.MapGet("/microservices", List);
        registry.MapDelete("/microservices", DeleteMany);
        registry.MapGet("/microservices/{serviceId}", Get);
        registry.MapDelete("/microservices/{serviceId}", Delete);
        registry.MapPut("/microservices/{serviceId}/properties", UpdateProperties);
        TagAndSchemaEndpoints.Map(registry);
        DependencyEndpoints.Map(registry);
    }

    private static async Task Existence(HttpContext context, Replica reader)
    {
        var type = Query(context, "type");
        if (type == "schema")
        {
            await SchemaExistence(context, reader);
            return;
        }

        if (type != "microservice")
        {
            await WriteErrorAsync(context, ScError.InvalidParams($"Invalid type '{type}': must be microservice or schema"));
            return;
        }

        var (appId, name, version, env) = (Query(context, "appId"), Query(context, "serviceName"), Query(context, "version"), Query(context, "env"));
        if (FindValidator.ValidateExistence(appId, name, version, env) is { } invalid)
        {
            await WriteErrorAsync(context, invalid);
            return;
        }

        var tenant = TenantOf(context);
        var answer = reader.Snapshot.Find(new NameKey(tenant.Domain, tenant.Project, env ?? "", appId!, name!));
        if (answer is null)
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.ServiceNotExists, $"Micro-service[{appId}/{name}] does not exist."));
            return;
        }

        var wanted = ServiceVersion.Parse(version!);
        var match = answer.Services.FirstOrDefault(s => ServiceVersion.TryParse(s.Service.Version, out var v) && v.Equals(wanted));
        if (match is null)
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.ServiceVersionNotExists, $"Micro-service[{appId}/{name}/{version}] version does not exist."));
            return;
        }

        await WriteJsonAsync(context, new ServiceIdResponse(match.Ref.ServiceId), SidecarJsonContext.Default.ServiceIdResponse);
    }

    private static async Task SchemaExistence(HttpContext context, Replica reader)
    {
        var (serviceId, schemaId) = (Query(context, "serviceId"), Query(context, "schemaId"));
        if (IdValidator.ValidateServiceId(serviceId) is { } invalid)
        {
            await WriteErrorAsync(context, invalid);
            return;
        }

        var tenant = TenantOf(context);
        var view = reader.Snapshot.Service(tenant.Domain, tenant.Project, serviceId!);
        if (view is null)
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.ServiceNotExists, $"Service[{serviceId}] does not exist."));
            return;
        }

        if (schemaId is null || !view.Schemas.TryGetValue(schemaId, out var schema))
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.SchemaNotExists, $"Schema[{schemaId}] does not exist."));
            return;
        }

        context.Response.Headers["X-Schema-Summary"] = schema.Summary ?? "";
        await WriteJsonAsync(context, new SchemaExistenceResponse(serviceId!, schemaId), SidecarJsonContext.Default.SchemaExistenceResponse);
    }

    private static async Task Register(HttpContext context, LocalRegistry registry)
    {
        var body = await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.CreateServiceRequest);
        if (!body.Ok)
        {
            await WriteErrorAsync(context, body.Error!);
            return;
        }

        var result = await registry.RegisterServiceAsync(TenantOf(context), body.Value!, context.RequestAborted);
        await (result.Ok
            ? WriteJsonAsync(context, new ServiceIdResponse(result.Value!), SidecarJsonContext.Default.ServiceIdResponse)
            : WriteErrorAsync(context, result.Error!));
    }

    private static Task List(HttpContext context, Replica reader)
    {
        var tenant = TenantOf(context);
        var services = reader.Snapshot.Services.Values
            .Where(s => s.Ref.Domain == tenant.Domain && s.Ref.Project == tenant.Project)
            .OrderBy(s => s.Ref.ServiceId, StringComparer.Ordinal)
            .Select(s => s.Service)
            .ToList();
        return WriteJsonAsync(context, new ServicesResponse(services.Count > 0 ? services : null), SidecarJsonContext.Default.ServicesResponse);
    }

    private static Task Get(HttpContext context, Replica reader)
    {
        var serviceId = Route(context, "serviceId");
        if (IdValidator.ValidateServiceId(serviceId) is { } invalid)
        {
            return WriteErrorAsync(context, invalid);
        }

        var tenant = TenantOf(context);
        return reader.Snapshot.Service(tenant.Domain, tenant.Project, serviceId!) is { } view
            ? WriteJsonAsync(context, new ServiceResponse(view.Service), SidecarJsonContext.Default.ServiceResponse)
            : WriteErrorAsync(context, ScError.Of(ErrorCode.ServiceNotExists, $"Service[{serviceId}] does not exist."));
    }

    private static async Task Delete(HttpContext context, LocalRegistry registry)
    {
        var serviceId = Route(context, "serviceId");
        var forceError = IdValidator.ParseBool(Query(context, "force"), out var force);
        if ((IdValidator.ValidateServiceId(serviceId) ?? forceError) is { } invalid)
        {
            await WriteErrorAsync(context, invalid);
            return;
        }

        var tenant = TenantOf(context);
        var result = await registry.DeleteServiceAsync(new ServiceRef(tenant.Domain, tenant.Project, serviceId!), force, context.RequestAborted);
        await WriteResultAsync(context, result);
    }

    private static async Task DeleteMany(HttpContext context, LocalRegistry registry)
    {
        var body = await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.DeleteServicesRequest);
        var ids = body.Value?.ServiceIds;
        var error = body.Error
            ?? (ids is not { Count: > 0 } ? ScError.InvalidParams("field 'DelServicesRequest.ServiceIds' must not be empty") : null)
            ?? ids!.Select(IdValidator.ValidateServiceId).FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var result = await registry.DeleteServicesAsync(TenantOf(context), ids!, body.Value!.Force, context.RequestAborted);
        await WriteJsonAsync(context, result, SidecarJsonContext.Default.DeleteServicesResponse);
    }

    private static async Task UpdateProperties(HttpContext context, LocalRegistry registry)
    {
        var serviceId = Route(context, "serviceId");
        if (IdValidator.ValidateServiceId(serviceId) is { } invalid)
        {
            await WriteErrorAsync(context, invalid);
            return;
        }

        var body = await ReadJsonAsync(context, MaxPropertiesBody, SidecarJsonContext.Default.PropertiesRequest);
        if (!body.Ok)
        {
            await WriteErrorAsync(context, body.Error!);
            return;
        }

        var tenant = TenantOf(context);
        var result = await registry.UpdateServicePropertiesAsync(new ServiceRef(tenant.Domain, tenant.Project, serviceId!), body.Value!.Properties, context.RequestAborted);
        await WriteResultAsync(context, result);
    }
}
