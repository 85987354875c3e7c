using Sidecar.Contracts;
using Sidecar.Replication;
using Sidecar.Validation;

namespace Sidecar.Registry;

public sealed partial class LocalRegistry
{
    /// <summary>
    /// I1: registers an instance. With the id of an instance that still exists here it only renews the lease and
    /// the body is not applied, as Service-Center does.
    /// </summary>
    public Task<Result<string>> RegisterInstanceAsync(ServiceRef service, MicroServiceInstance instance, CancellationToken cancellationToken)
    {
        // The service id comes from the path, as in Service-Center.
        instance = instance with { ServiceId = service.ServiceId };
        if (InstanceValidator.Validate(instance) is { } invalid)
        {
            return Task.FromResult<Result<string>>(invalid);
        }

        var normalized = InstanceValidator.Normalize(instance);
        return WriteAsync<string>(writer =>
        {
            var local = LocalService(writer, service);
            return local.Ok ? RegisterInstance(writer, service, normalized) : local.Error!;
        }, cancellationToken);
    }

    private Result<string> RegisterInstance(ReplicaWriter writer, ServiceRef service, MicroServiceInstance instance)
    {
        if (instance.InstanceId is { } id && writer.Renew(RecordKey.ForInstance(writer.LocalSource, service, id)))
        {
            return id;
        }

        var tenant = new Tenant(service.Domain, service.Project);
        if (CheckInstanceQuota(writer, tenant, 1) is { } quota)
        {
            return quota;
        }

        var instanceId = instance.InstanceId ?? ServiceIds.NewInstanceId();
        var key = RecordKey.ForInstance(writer.LocalSource, service, instanceId);
        var owner = (MicroService)writer.Get(RecordKey.ForService(writer.LocalSource, service))!.Value!;
        var now = UnixSeconds(writer.Now);
        writer.Put(key, instance with
        {
            InstanceId = instanceId,
            ServiceId = service.ServiceId,
            Version = owner.Version,
            Timestamp = now,
            ModTimestamp = now,
        });
        writer.SetLease(key, InstanceValidator.TtlOf(instance.HealthCheck!));
        CountAdded(writer, tenant, services: 0, instances: 1);
        return instanceId;
    }

    /// <summary>I6: unregisters an instance (announced as DELETE).</summary>
    public Task<Result<Unit>> UnregisterInstanceAsync(ServiceRef service, string instanceId, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalInstance(writer, service, instanceId);
            if (!local.Ok)
            {
                return local.Error!;
            }

            writer.Delete(local.Value!.Key);
            return Unit.Value;
        }, cancellationToken);

    /// <summary>I7: renews an instance's lease. Changes no record and sends no event.</summary>
    public Task<Result<Unit>> HeartbeatAsync(ServiceRef service, string instanceId, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer => writer.Renew(RecordKey.ForInstance(writer.LocalSource, service, instanceId))
            ? Unit.Value
            : (Result<Unit>)InstanceNotFound(service.ServiceId, instanceId), cancellationToken);

    /// <summary>I8: renews several leases; each item answers its own error, duplicates are skipped.</summary>
    public Task<HeartbeatSetResponse> HeartbeatSetAsync(Tenant tenant, IReadOnlyList<InstanceKey> instances, CancellationToken cancellationToken) =>
        _replica.WriteAsync(writer =>
        {
            var seen = new HashSet<(string, string)>();
            var results = new List<HeartbeatResult>();
            foreach (var item in instances)
            {
                var (serviceId, instanceId) = (item.ServiceId ?? "", item.InstanceId ?? "");
                if (!seen.Add((serviceId, instanceId)))
                {
                    continue;
                }

                var key = RecordKey.ForInstance(writer.LocalSource, new ServiceRef(tenant.Domain, tenant.Project, serviceId), instanceId);
                results.Add(writer.Renew(key)
                    ? new HeartbeatResult(serviceId, instanceId, null)
                    : new HeartbeatResult(serviceId, instanceId, ErrorCode.MessageOf(ErrorCode.InstanceNotExists)));
            }

            return new HeartbeatSetResponse(results);
        }, cancellationToken);

    /// <summary>I9: sets an instance's status (an UPDATE event).</summary>
    public Task<Result<Unit>> UpdateInstanceStatusAsync(ServiceRef service, string instanceId, string status, CancellationToken cancellationToken) =>
        UpdateInstanceAsync(service, instanceId, (i, now) => i with { Status = status, ModTimestamp = now }, cancellationToken);

    /// <summary>I10: replaces an instance's properties (an UPDATE event).</summary>
    public Task<Result<Unit>> UpdateInstancePropertiesAsync(ServiceRef service, string instanceId, IReadOnlyDictionary<string, string>? properties, CancellationToken cancellationToken) =>
        UpdateInstanceAsync(service, instanceId, (i, now) => i with
        {
            Properties = properties is { Count: > 0 } ? new Dictionary<string, string>(properties) : null,
            ModTimestamp = now,
        }, cancellationToken);

    /// <summary>I11: sets the status of every local instance of the tenant whose properties contain all of <paramref name="matches"/>.</summary>
    public Task<Result<Unit>> UpdateStatusByPropertiesAsync(Tenant tenant, IReadOnlyDictionary<string, string> matches, string status, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var now = UnixSeconds(writer.Now);
            var targets = writer.Snapshot.Services.Values
                .Where(s => s.Ref.Domain == tenant.Domain && s.Ref.Project == tenant.Project)
                .SelectMany(s => s.Instances)
                .Where(i => i.Source == writer.LocalSource && matches.All(m => i.Instance.Properties?.GetValueOrDefault(m.Key) == m.Value))
                .Select(i => i.Instance)
                .ToList();
            foreach (var instance in targets)
            {
                var service = new ServiceRef(tenant.Domain, tenant.Project, instance.ServiceId!);
                writer.Put(RecordKey.ForInstance(writer.LocalSource, service, instance.InstanceId!), instance with { Status = status, ModTimestamp = now });
            }

            return Unit.Value;
        }, cancellationToken);

    private Task<Result<Unit>> UpdateInstanceAsync(
        ServiceRef service, string instanceId, Func<MicroServiceInstance, string, MicroServiceInstance> update, CancellationToken cancellationToken) =>
        WriteAsync<Unit>(writer =>
        {
            var local = LocalInstance(writer, service, instanceId);
            if (!local.Ok)
            {
                return local.Error!;
            }

            writer.Put(local.Value!.Key, update((MicroServiceInstance)local.Value.Value!, UnixSeconds(writer.Now)));
            return Unit.Value;
        }, cancellationToken);

    /// <summary>Records that a consumer depends on a provider name (SC does this on a find with <c>X-ConsumerId</c>).</summary>
    public Task RecordDependencyAsync(ServiceRef consumer, NameKey provider, CancellationToken cancellationToken) =>
        _replica.WriteAsync(writer =>
        {
            var key = RecordKey.ForDependency(writer.LocalSource, consumer, provider.Environment, provider.AppId, provider.ServiceName);
            if (writer.Get(key) is not { IsTombstone: false })
            {
                writer.Put(key, new DependencyValue(provider.Environment, provider.AppId, provider.ServiceName));
            }

            return true;
        }, cancellationToken);
}
