using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Kubernetes.Webhook;

/// <summary>The fields of an AdmissionRequest the injector reads.</summary>
internal sealed record AdmissionRequest
{
    [JsonPropertyName("uid")]
    public string? Uid { get; init; }

    [JsonPropertyName("kind")]
    public GroupVersionKind? Kind { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("operation")]
    public string? Operation { get; init; }

    [JsonPropertyName("object")]
    public JsonElement? Object { get; init; }
}
