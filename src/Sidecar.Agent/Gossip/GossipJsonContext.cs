using System.Text.Json.Serialization;

namespace Sidecar.Agent.Gossip;

/// <summary>Source-generated JSON for the gossip answers of <c>/v1</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MembersResponse))]
internal sealed partial class GossipJsonContext : JsonSerializerContext;
