using System.Text.Json.Serialization;

namespace Sidecar.Kubernetes.Webhook;

/// <summary>The <c>metav1.Status</c> subset shown to the user when a pod is refused.</summary>
internal sealed record AdmissionStatus
{
    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}
