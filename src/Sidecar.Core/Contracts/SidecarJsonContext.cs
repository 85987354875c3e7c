using System.Text.Json.Serialization;
using Sidecar.Registry;

namespace Sidecar.Contracts;

/// <summary>Source-generated JSON for every wire contract.</summary>
/// <remarks>
/// camelCase names, defaults omitted on write (Go's <c>omitempty</c>), names matched case-insensitively on read
/// as Go's <c>encoding/json</c> does, unknown members ignored.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(MicroService))]
[JsonSerializable(typeof(MicroServiceInstance))]
[JsonSerializable(typeof(ScError))]
[JsonSerializable(typeof(CreateServiceRequest))]
[JsonSerializable(typeof(ServiceIdResponse))]
[JsonSerializable(typeof(SchemaExistenceResponse))]
[JsonSerializable(typeof(ServicesResponse))]
[JsonSerializable(typeof(ServiceResponse))]
[JsonSerializable(typeof(PropertiesRequest))]
[JsonSerializable(typeof(DeleteServicesRequest))]
[JsonSerializable(typeof(DeleteServicesResponse))]
[JsonSerializable(typeof(TagsBody))]
[JsonSerializable(typeof(SchemaBody))]
[JsonSerializable(typeof(SchemasBody))]
[JsonSerializable(typeof(RegisterInstanceRequest))]
[JsonSerializable(typeof(InstanceIdResponse))]
[JsonSerializable(typeof(InstancesResponse))]
[JsonSerializable(typeof(InstanceResponse))]
[JsonSerializable(typeof(HeartbeatSetRequest))]
[JsonSerializable(typeof(HeartbeatSetResponse))]
[JsonSerializable(typeof(UpdateStatusByPropertiesRequest))]
[JsonSerializable(typeof(BatchFindRequest))]
[JsonSerializable(typeof(BatchFindResponse))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(AppsResponse))]
[JsonSerializable(typeof(GovernServicesResponse))]
[JsonSerializable(typeof(SidecarInstancesResponse))]
[JsonSerializable(typeof(ProvidersResponse))]
[JsonSerializable(typeof(ConsumersResponse))]
[JsonSerializable(typeof(DumpResponse))]
[JsonSerializable(typeof(ClustersResponse))]
[JsonSerializable(typeof(Replication.TagsValue))]
[JsonSerializable(typeof(Replication.SchemaValue))]
[JsonSerializable(typeof(Replication.DependencyValue))]
public sealed partial class SidecarJsonContext : JsonSerializerContext;
