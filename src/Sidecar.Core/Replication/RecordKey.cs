namespace Sidecar.Replication;

/// <summary>
/// Identifies a record: who writes it (<paramref name="Source"/>), what it is, and where it sits in the registry.
/// <paramref name="Item"/> is the instance id, schema id or dependency target; empty for services and tags.
/// </summary>
public readonly record struct RecordKey(string Source, RecordKind Kind, string Domain, string Project, string ServiceId, string Item)
{
    /// <summary>The service this record belongs to (the consumer, for a dependency).</summary>
    public ServiceRef Service => new(Domain, Project, ServiceId);

    public static RecordKey ForService(string source, ServiceRef service) =>
        new(source, RecordKind.Service, service.Domain, service.Project, service.ServiceId, "");

    public static RecordKey ForInstance(string source, ServiceRef service, string instanceId) =>
        new(source, RecordKind.Instance, service.Domain, service.Project, service.ServiceId, instanceId);

    public static RecordKey ForTags(string source, ServiceRef service) =>
        new(source, RecordKind.Tags, service.Domain, service.Project, service.ServiceId, "");

    public static RecordKey ForSchema(string source, ServiceRef service, string schemaId) =>
        new(source, RecordKind.Schema, service.Domain, service.Project, service.ServiceId, schemaId);

    public static RecordKey ForDependency(string source, ServiceRef consumer, string environment, string appId, string serviceName) =>
        new(source, RecordKind.Dependency, consumer.Domain, consumer.Project, consumer.ServiceId, $"{environment}/{appId}/{serviceName}");
}
