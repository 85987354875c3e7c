using System.Text.Json.Serialization;

namespace Sidecar.Kubernetes.Webhook;

[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AdmissionReview))]
[JsonSerializable(typeof(WebhookError))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
