using System.Collections.Immutable;
using Sidecar.Agent.Sources;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>Instance endpoints I1-I3 and I6-I11 of the Service-Center v4 API.</summary>
internal static class InstanceEndpoints
{
    public static void Map(RouteGroupBuilder registry)
    {
        registry.MapPost("/microservices/{serviceId}/instances", Register);
        registry.MapGet("/microservices/{serviceId}/instances", List);
        registry.MapGet("/microservices/{serviceId}/instances/{instanceId}", Get);
        registry.MapDelete("/microservices/{serviceId}/instances/{instanceId}", Unregister);
        registry.MapPut("/microservices/{serviceId}/instances/{instanceId}/heartbeat", Heartbeat);
        registry.MapPut("/heartbeats", HeartbeatSet);
        registry.MapPut("/microservices/{serviceId}/instances/{instanceId}/status", UpdateStatus);
        registry.MapPut("/microservices/{serviceId}/instances/{instanceId}/properties", UpdateProperties);
        registry.MapPut("/instances/status", UpdateStatusByProperties);
    }

    /// <summary>The service and instance ids of the path, or the error to answer.</summary>
    private static Result<(ServiceRef Service, string InstanceId)> InstanceOf(HttpContext context)
    {
        var service = ServiceOf(context);
        var instanceId = Route(context, "instanceId");
        if ((service.Error ?? IdValidator.ValidateInstanceId(instanceId)) is { } invalid)
        {
            return invalid;
        }

        return (service.Value, instanceId!);
    }

    private static async Task Register(HttpContext context, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var body = service.Ok ? await ReadJsonAsync(context, MaxInstanceBody, SidecarJsonContext.Default.RegisterInstanceRequest) : default;
        var error = service.Error ?? body.Error
            ?? (body.Value!.Instance is null ? ScError.InvalidParams("field 'RegisterInstanceRequest.Instance' is required") : null);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var result = await registry.RegisterInstanceAsync(service.Value, body.Value!.Instance!, context.RequestAborted);
        await (result.Ok
            ? WriteJsonAsync(context, new InstanceIdResponse(result.Value!), SidecarJsonContext.Default.InstanceIdResponse)
            : WriteErrorAsync(context, result.Error!));
    }

    /// <summary>I2: the instances of one provider, as the consumer may see them (<see cref="Discovery.Provider"/>), with revision and 304.</summary>
    private static async Task List(HttpContext context, Replica replica, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var read = service.Ok
            ? Discovery.Provider(replica.Snapshot, service.Value, ConsumerIdOf(context), TagsOf(context))
            : service.Error!;
        if (!read.Ok)
        {
            await WriteErrorAsync(context, read.Error!);
            return;
        }

        var provider = read.Value.Provider;
        await RecordDependencyAsync(context, registry, read.Value.NewDependency, provider.NameKey);
        await WriteDiscoveryAsync(context, provider.InstancesBody, provider.Revision, provider.Sources);
    }

    /// <summary>I3: one instance, as the consumer may see it (<see cref="Discovery.Instance"/>), with revision and 304.</summary>
    private static async Task Get(HttpContext context, Replica replica, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        var read = ids.Ok
            ? Discovery.Instance(replica.Snapshot, ids.Value.Service, ids.Value.InstanceId, ConsumerIdOf(context), TagsOf(context))
            : ids.Error!;
        if (!read.Ok)
        {
            await WriteErrorAsync(context, read.Error!);
            return;
        }

        var (provider, instance, newDependency) = read.Value;
        await RecordDependencyAsync(context, registry, newDependency, provider.NameKey);
        // The instance's own revision, so that batch find (I5 instances) agrees with it.
        await WriteDiscoveryAsync(context, InstanceBody(instance), Discovery.RevisionOf(instance.Json), provider.Sources);
    }

    private static byte[] InstanceBody(InstanceView instance)
    {
        var prefix = "{\"instance\":"u8;
        var body = new byte[prefix.Length + instance.Json.Length + 1];
        prefix.CopyTo(body);
        instance.Json.CopyTo(body.AsSpan(prefix.Length));
        body[^1] = (byte)'}';
        return body;
    }

    public static string ConsumerIdOf(HttpContext context) => context.Request.Headers["X-ConsumerId"].ToString();

    private static string[]? TagsOf(HttpContext context) => Query(context, "tags")?.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Records a dependency the read model reported as new (a find, list or get-one with <c>X-ConsumerId</c>).</summary>
    public static Task RecordDependencyAsync(HttpContext context, LocalRegistry registry, ServiceRef? consumer, NameKey provider) =>
        consumer is { } known ? registry.RecordDependencyAsync(known, provider, context.RequestAborted) : Task.CompletedTask;

    /// <summary>Writes a discovery answer with revision, or 304 when the client already has it.</summary>
    public static Task WriteDiscoveryAsync(HttpContext context, byte[] body, string revision, ImmutableArray<string> sources)
    {
        var headers = context.Response.Headers;
        headers[RevisionHeader] = revision;
        WriteFreshness(context, sources);
        if (context.Request.Query["rev"] == revision)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return WriteBytesAsync(context, body);
    }

    /// <summary>Sets <c>X-Sidecar-Age</c>, and <c>X-Sidecar-Stale: true</c> when a contributing source is not confirmed.</summary>
    public static void WriteFreshness(HttpContext context, ImmutableArray<string> sources)
    {
        var (age, stale) = context.RequestServices.GetRequiredService<SourceTracker>().Describe(sources);
        context.Response.Headers[AgeHeader] = age;
        if (stale)
        {
            context.Response.Headers[StaleHeader] = "true";
        }
    }

    private static async Task Unregister(HttpContext context, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        await (ids.Ok
            ? WriteResultAsync(context, await registry.UnregisterInstanceAsync(ids.Value.Service, ids.Value.InstanceId, context.RequestAborted))
            : WriteErrorAsync(context, ids.Error!));
    }

    private static async Task Heartbeat(HttpContext context, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        await (ids.Ok
            ? WriteResultAsync(context, await registry.HeartbeatAsync(ids.Value.Service, ids.Value.InstanceId, context.RequestAborted))
            : WriteErrorAsync(context, ids.Error!));
    }

    private static async Task HeartbeatSet(HttpContext context, LocalRegistry registry)
    {
        var body = await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.HeartbeatSetRequest);
        var error = body.Error
            ?? (body.Value!.Instances is not { Count: > 0 } ? ScError.InvalidParams("field 'HeartbeatSetRequest.Instances' must not be empty") : null)
            ?? body.Value!.Instances!.Select(i => IdValidator.ValidateServiceId(i?.ServiceId) ?? IdValidator.ValidateInstanceId(i?.InstanceId))
                .FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var result = await registry.HeartbeatSetAsync(TenantOf(context), body.Value!.Instances!, context.RequestAborted);
        await WriteJsonAsync(context, result, SidecarJsonContext.Default.HeartbeatSetResponse);
    }

    private static async Task UpdateStatus(HttpContext context, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        var status = Query(context, "value");
        var error = ids.Error ?? IdValidator.ValidateStatus(status);
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.UpdateInstanceStatusAsync(ids.Value.Service, ids.Value.InstanceId, status!, context.RequestAborted)));
    }

    private static async Task UpdateProperties(HttpContext context, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        var body = ids.Ok ? await ReadJsonAsync(context, MaxPropertiesBody, SidecarJsonContext.Default.PropertiesRequest) : default;
        var error = ids.Error ?? body.Error;
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.UpdateInstancePropertiesAsync(ids.Value.Service, ids.Value.InstanceId, body.Value!.Properties, context.RequestAborted)));
    }

    private static async Task UpdateStatusByProperties(HttpContext context, LocalRegistry registry)
    {
        var body = await ReadJsonAsync(context, MaxBody, SidecarJsonContext.Default.UpdateStatusByPropertiesRequest);
        var error = body.Error
            ?? (body.Value!.Matches?.Properties is not { Count: > 0 } ? ScError.InvalidParams("field 'UpdateManyInstanceStatusRequest.Matches.Properties' must not be empty") : null)
            ?? IdValidator.ValidateStatus(body.Value!.Status);
        await (error is not null
            ? WriteErrorAsync(context, error)
            : WriteResultAsync(context, await registry.UpdateStatusByPropertiesAsync(TenantOf(context), body.Value!.Matches!.Properties!, body.Value.Status!, context.RequestAborted)));
    }
}
