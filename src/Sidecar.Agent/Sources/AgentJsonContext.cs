using System.Text.Json.Serialization;

namespace Sidecar.Agent.Sources;

/// <summary>Source-generated JSON for the agent's own answers that are not Service-Center contracts.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SourcesResponse))]
[JsonSerializable(typeof(ServiceListResponse))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
