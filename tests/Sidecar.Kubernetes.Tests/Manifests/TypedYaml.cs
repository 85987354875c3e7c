using k8s.Models;
using Sidecar.Kubernetes.Manifests;
using YamlDotNet.RepresentationModel;

namespace Sidecar.Kubernetes.Tests.Manifests;

/// <summary>
/// Every document of a YAML stream as KubernetesClient's typed model, chosen by apiVersion and kind (what
/// KubernetesYaml.LoadAllFromString did before KubernetesClient.Aot, which keeps it internal).
/// </summary>
internal static class TypedYaml
{
    public static IReadOnlyList<object> LoadAll(string yaml, bool strict) =>
        YamlDocumentSplitter.Split(yaml).Where(d => TypeMeta(d).Kind is not null).Select(d => Load(d, strict)).ToList();

    private static object Load(string document, bool strict) => TypeMeta(document) switch
    {
        ("v1", "Service") => KubeYaml.Deserialize<V1Service>(document, strict),
        ("v1", "ServiceAccount") => KubeYaml.Deserialize<V1ServiceAccount>(document, strict),
        ("v1", "ConfigMap") => KubeYaml.Deserialize<V1ConfigMap>(document, strict),
        ("v1", "Secret") => KubeYaml.Deserialize<V1Secret>(document, strict),
        ("v1", "Namespace") => KubeYaml.Deserialize<V1Namespace>(document, strict),
        ("v1", "Pod") => KubeYaml.Deserialize<V1Pod>(document, strict),
        ("apps/v1", "Deployment") => KubeYaml.Deserialize<V1Deployment>(document, strict),
        ("policy/v1", "PodDisruptionBudget") => KubeYaml.Deserialize<V1PodDisruptionBudget>(document, strict),
        ("rbac.authorization.k8s.io/v1", "ClusterRole") => KubeYaml.Deserialize<V1ClusterRole>(document, strict),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => KubeYaml.Deserialize<V1ClusterRoleBinding>(document, strict),
        ("rbac.authorization.k8s.io/v1", "Role") => KubeYaml.Deserialize<V1Role>(document, strict),
        ("rbac.authorization.k8s.io/v1", "RoleBinding") => KubeYaml.Deserialize<V1RoleBinding>(document, strict),
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration") => KubeYaml.Deserialize<V1MutatingWebhookConfiguration>(document, strict),
        var (apiVersion, kind) => throw new InvalidDataException($"no typed model for {apiVersion} {kind}"),
    };

    private static (string? ApiVersion, string? Kind) TypeMeta(string document)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(document));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, null);
        }

        return (Scalar(root, "apiVersion"), Scalar(root, "kind"));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
