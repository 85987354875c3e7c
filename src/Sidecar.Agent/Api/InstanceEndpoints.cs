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

    /// <summary>I2: the instances of one provider, subject to the consumer's access rules, with revision and 304.</summary>
    private static async Task List(HttpContext context, Replica replica, LocalRegistry registry)
    {
        var service = ServiceOf(context);
        var access = service.Ok ? Access(context, replica.Snapshot, service.Value) : service.Error!;
        if (!access.Ok)
        {
            await WriteErrorAsync(context, access.Error!);
            return;
        }

        var (provider, consumer) = access.Value;
        var tags = Query(context, "tags")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (tags is not null && tags.Any(t => !provider.Tags.ContainsKey(t)))
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{provider.Ref.ServiceId}] has not the tags."));
            return;
        }

        await RecordDependency(context, registry, replica.Snapshot, consumer, provider);
        await WriteDiscoveryAsync(context, provider.InstancesBody, provider.Revision, provider.Sources);
    }

    private static async Task Get(HttpContext context, Replica replica, LocalRegistry registry)
    {
        var ids = InstanceOf(context);
        var snapshot = replica.Snapshot;
        var access = ids.Ok ? Access(context, snapshot, ids.Value.Service, ids.Value.InstanceId) : ids.Error!;
        if (!access.Ok)
        {
            await WriteErrorAsync(context, access.Error!);
            return;
        }

        var (provider, consumer) = access.Value;
        if (!provider.InstancesById.TryGetValue(ids.Value.InstanceId, out var instance))
        {
            await WriteErrorAsync(context, ScError.Of(ErrorCode.InstanceNotExists, $"Instance[{ids.Value.InstanceId}] does not exist."));
            return;
        }

        await RecordDependency(context, registry, snapshot, consumer, provider);
        var body = InstanceBody(instance);
        // The instance's own revision, so that batch find (I5 instances) agrees with it.
        await WriteDiscoveryAsync(context, body, Discovery.RevisionOf(instance.Json), provider.Sources);
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

    /// <summary>
    /// Resolves provider and optional consumer, applying spec 2.3: a refused consumer gets 400012 from the list (I2) and
    /// 400017 from get-one (I3, <paramref name="instanceId"/> given), as in Service-Center.
    /// </summary>
    private static Result<(ServiceView Provider, ServiceView? Consumer)> Access(HttpContext context, RegistrySnapshot snapshot, ServiceRef service, string? instanceId = null)
    {
        var consumerId = context.Request.Headers["X-ConsumerId"].ToString();
        ServiceView? consumer = null;
        if (consumerId.Length > 0)
        {
            consumer = snapshot.Service(service.Domain, service.Project, consumerId);
            if (consumer is null)
            {
                return ScError.Of(ErrorCode.ServiceNotExists, $"Consumer[{consumerId}] does not exist.");
            }
        }

        if (!snapshot.Services.TryGetValue(service, out var provider))
        {
            return ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{service.ServiceId}] does not exist.");
        }

        if (consumer is not null && (!Discovery.Accessible(consumer, provider) || consumer.Environment != provider.Environment))
        {
            return instanceId is null
                ? ScError.Of(ErrorCode.ServiceNotExists, $"Provider[{service.ServiceId}] does not exist.")
                : ScError.Of(ErrorCode.InstanceNotExists, $"Instance[{instanceId}] does not exist.");
        }

        return (provider, consumer);
    }

    private static Task RecordDependency(HttpContext context, LocalRegistry registry, RegistrySnapshot snapshot, ServiceView? consumer, ServiceView provider) =>
        consumer is null || (snapshot.Consumers.TryGetValue(provider.NameKey, out var known) && known.Contains(consumer.Ref.ServiceId))
            ? Task.CompletedTask
            : registry.RecordDependencyAsync(consumer.Ref, provider.NameKey, context.RequestAborted);

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
