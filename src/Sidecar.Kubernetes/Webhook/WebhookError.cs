using System.Text.Json.Serialization;

namespace Sidecar.Kubernetes.Webhook;

/// <summary>The body of a 400 answer to a malformed AdmissionReview.</summary>
internal sealed record WebhookError([property: JsonPropertyName("reason")] string Reason);
