using System.Globalization;
using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>
/// Service-Center's write operations, applied to the replica as the local source (<c>agent:&lt;node&gt;</c>).
/// Every operation validates first and changes nothing when it answers an error; creations are bounded by
/// <see cref="RegistryQuotas"/> (Service-Center's defaults when null).
/// </summary>
public sealed partial class LocalRegistry(Replica replica, RegistryQuotas? quotas = null)
{
    private readonly Replica _replica = replica;
    private readonly RegistryQuotas _quotas = quotas ?? RegistryQuotas.Default;

    public Replica Replica => _replica;

    private Task<Result<T>> WriteAsync<T>(Func<ReplicaWriter, Result<T>> operation, CancellationToken cancellationToken) =>
        _replica.WriteAsync(operation, cancellationToken);

    private static string UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static ScError ServiceNotFound(string serviceId) =>
        ScError.Of(ErrorCode.ServiceNotExists, $"Service[{serviceId}] does not exist.");

    private static ScError InstanceNotFound(string serviceId, string instanceId) =>
        ScError.Of(ErrorCode.InstanceNotExists, $"Instance[{serviceId}/{instanceId}] does not exist.");

    /// <summary>The local service record, or the error to answer when the service is unknown or not ours.</summary>
    private static Result<Record> LocalService(ReplicaWriter writer, ServiceRef service)
    {
        if (writer.Get(RecordKey.ForService(writer.LocalSource, service)) is { IsTombstone: false } record)
        {
            return record;
        }

        return writer.Snapshot.Services.TryGetValue(service, out var view)
            ? ScError.InvalidParams($"Micro-service [{service.ServiceId}] belongs to source {view.Source} and cannot be changed through this agent.")
            : ServiceNotFound(service.ServiceId);
    }

    private static Result<Record> LocalInstance(ReplicaWriter writer, ServiceRef service, string instanceId)
    {
        var key = RecordKey.ForInstance(writer.LocalSource, service, instanceId);
        return writer.Get(key) is { IsTombstone: false } record ? record : InstanceNotFound(service.ServiceId, instanceId);
    }
}
