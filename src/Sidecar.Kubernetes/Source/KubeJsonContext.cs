using System.Text.Json.Serialization;

namespace Sidecar.Kubernetes.Source;

/// <summary>Source-generated (AOT-safe) JSON for the API objects the Kubernetes source reads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KubeList<KubeService>))]
[JsonSerializable(typeof(KubeList<KubeEndpointSlice>))]
[JsonSerializable(typeof(KubeList<KubePod>))]
[JsonSerializable(typeof(KubeList<KubeNode>))]
[JsonSerializable(typeof(KubeWatchEvent))]
[JsonSerializable(typeof(KubeStatus))]
internal sealed partial class KubeJsonContext : JsonSerializerContext;
