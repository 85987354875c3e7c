using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Diagnostics;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Webhook;

/// <summary>
/// Turns an AdmissionReview v1 body into its answer: a JSON Patch for annotated pods, <c>allowed</c> without a
/// patch for everything else, <c>allowed: false</c> for invalid annotations, and 400 for malformed input.
/// Never throws on input.
/// </summary>
internal sealed partial class AdmissionReviewHandler(PodMutator mutator, InjectorInstruments instruments, ILogger<AdmissionReviewHandler> logger)
{
    private readonly PodMutator _mutator = mutator;
    private readonly InjectorInstruments _instruments = instruments;
    private readonly ILogger _logger = logger;

    public AdmissionResult Handle(ReadOnlySpan<byte> body)
    {
        AdmissionReview? review;
        try
        {
            review = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.AdmissionReview);
        }
        catch (JsonException ex)
        {
            return Malformed($"body is not valid JSON: {ex.Message}");
        }

        if (review is null || review.Kind != AdmissionReview.KindName || review.ApiVersion != AdmissionReview.ApiVersionV1)
        {
            return Malformed($"expected kind {AdmissionReview.KindName} with apiVersion {AdmissionReview.ApiVersionV1}");
        }

        if (review.Request is not { Uid: { Length: > 0 } uid } request)
        {
            return Malformed("request.uid is missing");
        }

        if (request.Kind is not { Group: "" or null, Kind: "Pod" })
        {
            return Skip(uid, SkipReasons.NotAPod, request);
        }

        if (!string.Equals(request.Operation, "CREATE", StringComparison.Ordinal))
        {
            return Skip(uid, SkipReasons.NotCreate, request);
        }

        if (request.Object is not { ValueKind: JsonValueKind.Object } podJson)
        {
            return Malformed("request.object is not a Pod object");
        }

        V1Pod pod;
        try
        {
            pod = KubernetesJson.Deserialize<V1Pod>(podJson.GetRawText());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return Malformed($"request.object is not a valid Pod: {ex.Message}");
        }

        var result = _mutator.Mutate(pod, new PodMutationContext(request.Namespace));
        switch (result.Outcome)
        {
            case PodMutationOutcome.Skipped:
                return Skip(uid, result.Reason, request);
            case PodMutationOutcome.Rejected:
                _instruments.Failed.Add(1, new KeyValuePair<string, object?>("reason", "invalid-annotation"));
                Log.PodRejected(_logger, request.Namespace, PodName(pod, request), result.Reason);
                return Answer(new AdmissionResponse
                {
                    Uid = uid,
                    Allowed = false,
                    Status = new AdmissionStatus { Code = 400, Message = $"sidecar injection: {result.Reason}" },
                });
            default:
                var patch = JsonPatchBuilder.Create(JsonNode.Parse(KubernetesJson.Serialize(pod)), JsonNode.Parse(KubernetesJson.Serialize(result.Pod)));
                _instruments.Injected.Add(1);
                Log.PodInjected(_logger, request.Namespace, PodName(pod, request), patch.Count);
                return Answer(new AdmissionResponse
                {
                    Uid = uid,
                    Allowed = true,
                    PatchType = "JSONPatch",
                    Patch = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch.ToJsonString())),
                });
        }
    }

    private AdmissionResult Skip(string uid, string reason, AdmissionRequest request)
    {
        _instruments.Skipped.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Log.PodSkipped(_logger, request.Namespace, request.Name, reason);
        return Answer(new AdmissionResponse { Uid = uid, Allowed = true });
    }

    private AdmissionResult Malformed(string reason)
    {
        _instruments.Failed.Add(1, new KeyValuePair<string, object?>("reason", "malformed"));
        Log.MalformedReview(_logger, reason);
        return AdmissionResult.BadRequest(reason);
    }

    private static AdmissionResult Answer(AdmissionResponse response) => AdmissionResult.Ok(new AdmissionReview
    {
        ApiVersion = AdmissionReview.ApiVersionV1,
        Kind = AdmissionReview.KindName,
        Response = response,
    });

    private static string? PodName(V1Pod pod, AdmissionRequest request) =>
        pod.Metadata?.Name ?? request.Name ?? pod.Metadata?.GenerateName;
}
