namespace Sidecar.Kubernetes.Webhook;

/// <summary>What the webhook endpoint answers: a review (HTTP 200) or, for a malformed request, HTTP 400 with a reason.</summary>
internal sealed record AdmissionResult(AdmissionReview? Review, string? BadRequestReason)
{
    public static AdmissionResult Ok(AdmissionReview review) => new(review, null);

    public static AdmissionResult BadRequest(string reason) => new(null, reason);
}
