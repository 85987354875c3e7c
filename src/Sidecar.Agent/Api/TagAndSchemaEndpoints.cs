using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>Tags (S8) and schemas (S9) of a service.</summary>
internal static class TagAndSchemaEndpoints
{
    public static void Map(RouteGroupBuilder registry)
    {
        registry.MapPost("/microservices/{serviceId}/tags", AddTags);
        registry.MapGet("/microservices/{serviceId}/tags", GetTags);
        registry.MapPut("/microservices/{serviceId}/tags/{key}", UpdateTag);
        registry.MapDelete("/microservices/{serviceId}/tags/{keys}", DeleteTags);
        registry.MapPut("/microservices/{serviceId}/schemas/{schemaId}", PutSchema);
        registry.MapPost("/microservices/{serviceId}/schemas", PutSchemas);
        registry.MapGet("/microservices/{serviceId}/schemas", GetSchemas);
        registry.MapGet("/microservices/{serviceId}/schemas/{schemaId}", GetSchema);
    }

    private static Result<ServiceView> ViewOf(HttpContext context, Replica replica)
    {
        var service = ServiceOf(context);
        if (!service.Ok)
        {
            return service.Error!;
        }

        return replica.Snapshot.Services.TryGetValue(service.Value, out var view)
            ? view
            : ScError.Of(ErrorCode.ServiceNotExists, $"Service[{service.Value.ServiceId}] does not exist.");
    }

    /// <summary>S8 POST. No tags (<c>{}</c> or <c>{"tags":{}}</c>) is a success that changes nothing, as in Service-Center.</summary>
    private static async Task AddTags(HttpContext context, LocalRegistry registry, Replica replica)
    {
        var service = ServiceOf(context);
        var body = service.Ok ? await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.TagsBody) : default;
        var error = service.Error ?? body.Error
            ?? (body.Value!.Tags is { Count: > 0 } tags ? IdValidator.ValidateTags(tags) : null);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
        }
        else if (body.Value!.Tags is not { Count: > 0 })
        {
            var view = ViewOf(context, replica);
            await (view.Ok ? WriteEmptyAsync(context) : WriteErrorAsync(context, view.Error!));
        }
        else
        {
            await WriteResultAsync(context, await registry.AddTagsAsync(service.Value, body.Value.Tags, context.RequestAborted));
        }
    }

    private static Task GetTags(HttpContext context, Replica replica)
    {
        var view = ViewOf(context, replica);
        return view.Ok
            ? WriteJsonAsync(context, new TagsBody { Tags = view.Value!.Tags.Count > 0 ? new(view.Value.Tags) : null }, SidecarJsonContext.Default.TagsBody)
            : WriteErrorAsync(context, view.Error!);
    }

    private static async Task UpdateTag(HttpContext context, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var key = Route(context, "key")!;
        var value = Query(context, "value") ?? "";
        var error = service.Error ?? IdValidator.ValidateTags(new Dictionary<string, string> { [key] = value });
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.UpdateTagAsync(service.Value, key, value, context.RequestAborted)));
    }

    private static async Task DeleteTags(HttpContext context, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var keys = Route(context, "keys")!.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var error = service.Error ?? (keys.Length == 0 ? ScError.InvalidParams("no tag key given") : null);
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.DeleteTagsAsync(service.Value, keys, context.RequestAborted)));
    }

    private static async Task PutSchema(HttpContext context, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var schemaId = Route(context, "schemaId");
        var body = service.Ok ? await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.SchemaBody) : default;
        var error = service.Error ?? IdValidator.ValidateSchemaId(schemaId) ?? body.Error
            ?? (string.IsNullOrEmpty(body.Value!.Schema) ? ScError.InvalidParams("field 'ModifySchemaRequest.Schema' must not be empty") : null);
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.PutSchemaAsync(service.Value, schemaId!, new SchemaValue(body.Value!.Schema!, body.Value.Summary), context.RequestAborted)));
    }

    private static async Task PutSchemas(HttpContext context, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var body = service.Ok ? await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.SchemasBody) : default;
        var error = service.Error ?? body.Error
            ?? (body.Value!.Schemas is not { Count: > 0 } ? ScError.InvalidParams("field 'ModifySchemasRequest.Schemas' must not be empty") : null)
            ?? body.Value!.Schemas!.Select(s => IdValidator.ValidateSchemaId(s?.SchemaId)
                ?? (string.IsNullOrEmpty(s!.Schema) ? ScError.InvalidParams($"schema '{s.SchemaId}' is empty") : null)).FirstOrDefault(e => e is not null);
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.PutSchemasAsync(service.Value, body.Value!.Schemas!, context.RequestAborted)));
    }

    private static Task GetSchemas(HttpContext context, Replica replica)
    {
        var view = ViewOf(context, replica);
        if (!view.Ok)
        {
            return WriteErrorAsync(context, view.Error!);
        }

        var withSchema = IdValidator.IsTrue(Query(context, "withSchema"));
        var schemas = view.Value!.Schemas
            .Select(p => new SchemaBody { SchemaId = p.Key, Summary = p.Value.Summary, Schema = withSchema ? p.Value.Schema : null })
            .ToList();
        return WriteJsonAsync(context, new SchemasBody { Schemas = schemas.Count > 0 ? schemas : null }, SidecarJsonContext.Default.SchemasBody);
    }

    private static Task GetSchema(HttpContext context, Replica replica)
    {
        var view = ViewOf(context, replica);
        if (!view.Ok)
        {
            return WriteErrorAsync(context, view.Error!);
        }

        var schemaId = Route(context, "schemaId")!;
        if (!view.Value!.Schemas.TryGetValue(schemaId, out var schema))
        {
            return WriteErrorAsync(context, ScError.Of(ErrorCode.SchemaNotExists, $"Schema[{schemaId}] does not exist."));
        }

        context.Response.Headers["X-Schema-Summary"] = schema.Summary ?? "";
        return WriteJsonAsync(context, new SchemaBody { Schema = schema.Schema }, SidecarJsonContext.Default.SchemaBody);
    }
}
