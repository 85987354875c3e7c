using k8s.Models;
using Sidecar.Kubernetes.Injection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sidecar.Kubernetes.Manifests;

/// <summary>
/// Applies <see cref="PodMutator"/> offline to the pods and pod templates of a multi-document YAML stream:
/// Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs. Everything else, and workloads
/// that are not annotated, pass through unchanged.
/// </summary>
internal sealed class WorkloadInjector(PodMutator mutator)
{
    private readonly PodMutator _mutator = mutator;

    /// <exception cref="InvalidDataException">A document is not valid YAML or a Kubernetes object, or an annotation is invalid.</exception>
    public string Inject(string yaml)
    {
        var documents = YamlDocumentSplitter.Split(yaml);
        var output = new List<string>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            output.Add(InjectDocument(documents[i], i + 1));
        }

        return YamlDocumentSplitter.Join(output);
    }

    private string InjectDocument(string document, int number)
    {
        var (apiVersion, kind) = ReadTypeMeta(document, number);
        try
        {
            return (apiVersion, kind) switch
            {
                ("v1", "Pod") => InjectPod(document, number),
                ("apps/v1", "Deployment") => InjectTemplate<V1Deployment>(document, number, w => w.Metadata, w => w.Spec?.Template),
                ("apps/v1", "StatefulSet") => InjectTemplate<V1StatefulSet>(document, number, w => w.Metadata, w => w.Spec?.Template),
                ("apps/v1", "DaemonSet") => InjectTemplate<V1DaemonSet>(document, number, w => w.Metadata, w => w.Spec?.Template),
                ("apps/v1", "ReplicaSet") => InjectTemplate<V1ReplicaSet>(document, number, w => w.Metadata, w => w.Spec?.Template),
                ("batch/v1", "Job") => InjectTemplate<V1Job>(document, number, w => w.Metadata, w => w.Spec?.Template),
                ("batch/v1", "CronJob") => InjectTemplate<V1CronJob>(document, number, w => w.Metadata, w => w.Spec?.JobTemplate?.Spec?.Template),
                _ => document,
            };
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"document {number} ({kind}): {ex.Message}", ex);
        }
    }

    private string InjectPod(string document, int number)
    {
        var pod = Read<V1Pod>(document, number, "Pod");
        var result = Mutate(pod, new PodMutationContext(pod.Metadata?.NamespaceProperty ?? "default"), number, "Pod");
        return result is null ? document : KubeYaml.Serialize(result);
    }

    private string InjectTemplate<T>(string document, int number, Func<T, V1ObjectMeta?> metadata, Func<T, V1PodTemplateSpec?> template)
        where T : class
    {
        var workload = Read<T>(document, number, typeof(T).Name[2..]);
        if (template(workload) is not { } podTemplate)
        {
            return document;
        }

        var meta = metadata(workload);
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = podTemplate.Metadata ?? new V1ObjectMeta(), Spec = podTemplate.Spec };
        var context = new PodMutationContext(meta?.NamespaceProperty ?? "default", meta?.Name);
        if (Mutate(pod, context, number, typeof(T).Name[2..]) is not { } injected)
        {
            return document;
        }

        podTemplate.Metadata = injected.Metadata;
        podTemplate.Spec = injected.Spec;
        return KubeYaml.Serialize(workload);
    }

    private static T Read<T>(string document, int number, string kind)
    {
        try
        {
            return KubeYaml.Deserialize<T>(document, strict: true);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"document {number} ({kind}): {ex.Message}", ex);
        }
    }

    private V1Pod? Mutate(V1Pod pod, PodMutationContext context, int number, string kind)
    {
        var result = _mutator.Mutate(pod, context);
        return result.Outcome switch
        {
            PodMutationOutcome.Injected => result.Pod,
            PodMutationOutcome.Rejected => throw new InvalidDataException($"document {number} ({kind} {context.OwnerName ?? pod.Metadata?.Name}): {result.Reason}"),
            _ => null,
        };
    }

    private static (string? ApiVersion, string? Kind) ReadTypeMeta(string document, int number)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"document {number}: invalid YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, null);
        }

        return (Scalar(root, "apiVersion"), Scalar(root, "kind"));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
