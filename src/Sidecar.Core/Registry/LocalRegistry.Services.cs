using Sidecar.Contracts;
using Sidecar.Replication;
using Sidecar.Validation;

namespace Sidecar.Registry;

public sealed partial class LocalRegistry
{
    /// <summary>S2: registers a service (and optional tags and instances); re-registering answers the existing id.</summary>
    public Task<Result<string>> RegisterServiceAsync(Tenant tenant, CreateServiceRequest request, CancellationToken cancellationToken)
    {
        if (request.Service is null)
        {
            return Task.FromResult<Result<string>>(ScError.InvalidParams("field 'CreateServiceRequest.Service' is required"));
        }

        var service = ServiceValidator.Normalize(request.Service);
        if (ServiceValidator.Validate(service) is { } invalid)
        {
            return Task.FromResult<Result<string>>(invalid);
        }

        if (request.Tags is { Count: > 0 } tags && IdValidator.ValidateTags(tags) is { } badTags)
        {
            return Task.FromResult<Result<string>>(badTags);
        }

        foreach (var instance in request.Instances ?? [])
        {
            if (instance is null)
            {
                return Task.FromResult<Result<string>>(ScError.InvalidParams("field 'CreateServiceRequest.Instances' must not contain null"));
            }

            // The service id is not known yet; the instance takes it when registered.
            if (InstanceValidator.Validate(instance with { ServiceId = "pending" }) is { } badInstance)
            {
                return Task.FromResult<Result<string>>(badInstance);
            }
        }

        return WriteAsync<string>(writer => RegisterService(writer, tenant, service, request), cancellationToken);
    }

    private Result<string> RegisterService(ReplicaWriter writer, Tenant tenant, MicroService service, CreateServiceRequest request)
    {
        var snapshot = writer.Snapshot;
        var name = new NameKey(tenant.Domain, tenant.Project, service.Environment ?? "", service.AppId!, service.ServiceName!);
        var existing = snapshot.Names.GetValueOrDefault(name)?.Services.FirstOrDefault(v => v.Service.Version == service.Version)
            ?? AliasOwner(snapshot, name, service);
        var serviceId = existing?.Ref.ServiceId
            ?? service.ServiceId
            ?? ServiceIds.ForService(tenant.Domain, tenant.Project, service.Environment, service.AppId!, service.ServiceName!, service.Version!);
        if (service.ServiceId is { } supplied && existing is not null && supplied != existing.Ref.ServiceId)
        {
            return ScError.Of(ErrorCode.ServiceAlreadyExists, $"ServiceId conflict: {existing.Service.ServiceName}/{existing.Service.Version} holds this name or alias as {existing.Ref.ServiceId}.");
        }

        var serviceRef = new ServiceRef(tenant.Domain, tenant.Project, serviceId);
        if (existing is null && snapshot.Services.TryGetValue(serviceRef, out var clash))
        {
            return ScError.Of(ErrorCode.ServiceAlreadyExists, $"ServiceId {serviceId} is already used by {clash.Service.ServiceName}/{clash.Service.Version}.");
        }

        // Quotas before anything is written, so that a refused request changes nothing.
        var quota = (existing is null ? CheckServiceQuota(writer, tenant) : null)
            ?? CheckSchemaQuota(service.Schemas?.Count ?? 0)
            ?? CheckTagQuota(request.Tags?.Count ?? 0)
            ?? (request.Instances is { Count: > 0 } added ? CheckInstanceQuota(writer, tenant, added.Count) : null);
        if (quota is not null)
        {
            return quota;
        }

        var key = RecordKey.ForService(writer.LocalSource, serviceRef);
        if (writer.Get(key) is not { IsTombstone: false })
        {
            var now = UnixSeconds(writer.Now);
            writer.Put(key, (existing?.Service ?? service) with { ServiceId = serviceId, Timestamp = now, ModTimestamp = now });
            if (existing is null)
            {
                CountAdded(writer, tenant, services: 1, instances: 0);
            }
        }

        if (request.Tags is { Count: > 0 } tags)
        {
            writer.Put(RecordKey.ForTags(writer.LocalSource, serviceRef), new TagsValue(new Dictionary<string, string>(tags)));
        }

        foreach (var instance in request.Instances ?? [])
        {
            RegisterInstance(writer, serviceRef, InstanceValidator.Normalize(instance));
        }

        return serviceId;
    }

    /// <summary>
    /// The service that already holds the alias of <paramref name="service"/> in its environment, app and version
    /// (Service-Center's alias key). Registering then answers the owner's id and creates nothing, as for the same name.
    /// </summary>
    private static ServiceView? AliasOwner(RegistrySnapshot snapshot, NameKey name, MicroService service) =>
        string.IsNullOrEmpty(service.Alias)
            ? null
            : snapshot.Aliases.GetValueOrDefault(name with { ServiceName = service.Alias })?.Services.FirstOrDefault(v => v.Service.Version == service.Version);

    /// <summary>S5: replaces the service's properties (null clears them).</summary>
    public Task<Result<Unit>> UpdateServicePropertiesAsync(ServiceRef service, IReadOnlyDictionary<string, string>? properties, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalService(writer, service);
            if (!local.Ok)
            {
                return local.Error!;
            }

            var current = (MicroService)local.Value!.Value!;
            writer.Put(local.Value.Key, current with
            {
                Properties = properties is { Count: > 0 } ? new Dictionary<string, string>(properties) : null,
                ModTimestamp = UnixSeconds(writer.Now),
            });
            return Unit.Value;
        }, cancellationToken);

    /// <summary>S6: deletes a service, refusing while it has instances or consumers unless forced.</summary>
    public Task<Result<Unit>> DeleteServiceAsync(ServiceRef service, bool force, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer => DeleteService(writer, service, force), cancellationToken);

    /// <summary>S7: deletes several services; each answers its own error.</summary>
    public Task<DeleteServicesResponse> DeleteServicesAsync(Tenant tenant, IReadOnlyList<string> serviceIds, bool force, CancellationToken cancellationToken) =>
        _replica.WriteAsync(writer => new DeleteServicesResponse(serviceIds.Distinct(StringComparer.Ordinal).Select(id =>
        {
            var result = DeleteService(writer, new ServiceRef(tenant.Domain, tenant.Project, id), force);
            return new DeleteServiceResult(id, result.Error?.Detail ?? result.Error?.ErrorMessage);
        }).ToList()), cancellationToken);

    private static Result<Unit> DeleteService(ReplicaWriter writer, ServiceRef service, bool force)
    {
        var local = LocalService(writer, service);
        if (!local.Ok)
        {
            return local.Error!;
        }

        var view = writer.Snapshot.Services[service];
        if (!force && view.Instances.Length > 0)
        {
            return ScError.Of(ErrorCode.DeployedInstance, $"Can not delete the service[{service.ServiceId}] while it has instance(s).");
        }

        if (!force && writer.Snapshot.Consumers.TryGetValue(view.NameKey, out var consumers)
            && consumers.Any(c => c != service.ServiceId))
        {
            return ScError.Of(ErrorCode.DependedOnConsumer, $"Can not delete the service[{service.ServiceId}] while other service(s) depend on it.");
        }

        var owned = writer.Snapshot.Services[service];
        foreach (var instance in owned.Instances.Where(i => i.Source == writer.LocalSource))
        {
            writer.Delete(RecordKey.ForInstance(writer.LocalSource, service, instance.Instance.InstanceId!));
        }

        foreach (var schemaId in owned.Schemas.Keys)
        {
            writer.Delete(RecordKey.ForSchema(writer.LocalSource, service, schemaId));
        }

        writer.Delete(RecordKey.ForTags(writer.LocalSource, service));
        writer.Delete(local.Value!.Key);
        return Unit.Value;
    }
}
