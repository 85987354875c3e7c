using System.Text.Json.Nodes;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Webhook;

/// <summary>AdmissionReview v1 requests as the API server sends them.</summary>
internal static class AdmissionReviews
{
    public const string Uid = "705ab4f5-6393-11e8-b7cc-42010a800002";

    public static string ForFile(string objectFile, string kind = "Pod", string group = "", string operation = "CREATE") =>
        For(JsonNode.Parse(Golden.Read(objectFile))!, kind, group, operation);

    public static string For(JsonNode obj, string kind = "Pod", string group = "", string operation = "CREATE") => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = Uid,
            ["kind"] = new JsonObject { ["group"] = group, ["version"] = "v1", ["kind"] = kind },
            ["resource"] = new JsonObject { ["group"] = group, ["version"] = "v1", ["resource"] = kind.ToLowerInvariant() + "s" },
            ["namespace"] = "shop",
            ["operation"] = operation,
            ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:replicaset-controller" },
            ["object"] = obj.DeepClone(),
            ["oldObject"] = null,
            ["dryRun"] = false,
        },
    }.ToJsonString();
}
