using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// Puts the generated CA into <c>clientConfig.caBundle</c> of every webhook of the injector's
/// MutatingWebhookConfiguration (RBAC: get and patch on that one object, see manifests/rbac-injector.yaml).
/// </summary>
internal sealed class CaBundlePatcher(IKubernetes client)
{
    private readonly IKubernetes _client = client;

    /// <summary>The RBAC rule this class needs (checked against the manifests by a test).</summary>
    public static readonly RbacRule RequiredRule = new("admissionregistration.k8s.io", "mutatingwebhookconfigurations", ["get", "patch"]);

    /// <returns>The number of webhooks patched: 0 when every caBundle already is <paramref name="caPem"/> (another replica did it).</returns>
    public async Task<int> PatchAsync(string configurationName, string caPem, CancellationToken cancellationToken)
    {
        var configuration = await _client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(configurationName, cancellationToken: cancellationToken);
        var caBytes = Encoding.UTF8.GetBytes(caPem);
        var caBundle = Convert.ToBase64String(caBytes);
        var operations = new JsonArray();
        var webhooks = configuration.Webhooks ?? [];
        for (var i = 0; i < webhooks.Count; i++)
        {
            if (webhooks[i].ClientConfig?.CaBundle is { } current && current.AsSpan().SequenceEqual(caBytes))
            {
                continue;
            }

            // "add" replaces an existing member and creates a missing one (RFC 6902 4.1).
            operations.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = caBundle });
        }

        if (operations.Count > 0)
        {
            var patch = new V1Patch(operations.ToJsonString(), V1Patch.PatchType.JsonPatch);
            await _client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(patch, configurationName, cancellationToken: cancellationToken);
        }

        return operations.Count;
    }
}
