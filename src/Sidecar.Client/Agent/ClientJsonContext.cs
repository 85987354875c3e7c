using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Client.Agent;

/// <summary>Source-generated JSON (trimming and Native AOT safe), camelCase as the agent and Service-Center speak.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentInstancesResponse))]
[JsonSerializable(typeof(CreateServiceRequest))]
[JsonSerializable(typeof(CreateServiceResponse))]
[JsonSerializable(typeof(CreateInstanceRequest))]
[JsonSerializable(typeof(CreateInstanceResponse))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
