using Sidecar.Registry;

namespace Sidecar.Replication;

/// <summary>
/// The form a record is kept in by the replica: strings shared with other records (<see cref="SharedStrings"/>) and an
/// instance's collections in their smallest read-only form. Value-equal to the record it is made from, so the JSON of
/// the result is byte for byte the JSON of the input.
/// </summary>
internal static class RecordCompaction
{
    // Most instances of a fleet carry the same health check and data center; one shared copy each.
    private static HealthCheck? s_lastHealthCheck;
    private static DataCenterInfo? s_lastDataCenter;

    public static Record Compact(Record record)
    {
        var key = record.Key;
        var sharedKey = new RecordKey(SharedStrings.Share(key.Source), key.Kind, SharedStrings.Share(key.Domain),
            SharedStrings.Share(key.Project), SharedStrings.Share(key.ServiceId), key.Item);
        var version = new RecordVersion(record.Version.Clock, SharedStrings.Share(record.Version.Writer));
        var value = record.Value is MicroServiceInstance instance ? Compact(instance, sharedKey) : record.Value;
        return new Record(sharedKey, version, value);
    }

    private static MicroServiceInstance Compact(MicroServiceInstance instance, in RecordKey key) => instance with
    {
        // The key's own strings when equal (they nearly always are), so an instance adds no copy of its ids.
        InstanceId = instance.InstanceId == key.Item ? key.Item : instance.InstanceId,
        ServiceId = instance.ServiceId == key.ServiceId ? key.ServiceId : SharedStrings.ShareOrNull(instance.ServiceId),
        Status = SharedStrings.ShareOrNull(instance.Status),
        Version = SharedStrings.ShareOrNull(instance.Version),
        Timestamp = SharedStrings.ShareOrNull(instance.Timestamp),
        ModTimestamp = SharedStrings.ShareOrNull(instance.ModTimestamp),
        Endpoints = instance.Endpoints is null or string[] ? instance.Endpoints : instance.Endpoints.ToArray(),
        Properties = instance.Properties is null ? null : SmallDictionary.Of(instance.Properties),
        HealthCheck = Shared(ref s_lastHealthCheck, instance.HealthCheck),
        DataCenterInfo = Shared(ref s_lastDataCenter, instance.DataCenterInfo),
    };

    private static T? Shared<T>(ref T? last, T? value)
        where T : class, IEquatable<T>
    {
        if (value is null)
        {
            return null;
        }

        var seen = Volatile.Read(ref last);
        if (seen is not null && seen.Equals(value))
        {
            return seen;
        }

        Volatile.Write(ref last, value);
        return value;
    }
}
