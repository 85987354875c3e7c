using k8s;
using k8s.Models;

namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// The injection as a pure function: pod in, pod out (a copy; the input is never changed).
/// Used by the admission webhook and by the offline <c>sidecar inject</c>.
/// </summary>
internal sealed class PodMutator(InjectorOptions options)
{
    private static readonly string[] s_protectedNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

    private readonly InjectorOptions _options = options;

    public PodMutationResult Mutate(V1Pod pod, PodMutationContext context)
    {
        var annotations = pod.Metadata?.Annotations;
        if (annotations is null || !annotations.TryGetValue(SidecarAnnotations.Inject, out var inject)
            || !string.Equals(inject?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return PodMutationResult.Skipped(SkipReasons.NotAnnotated);
        }

        if (IsInjected(pod))
        {
            return PodMutationResult.Skipped(SkipReasons.AlreadyInjected);
        }

        var ns = string.IsNullOrEmpty(context.Namespace) ? pod.Metadata?.NamespaceProperty : context.Namespace;
        if (ns is not null && s_protectedNamespaces.Contains(ns, StringComparer.Ordinal))
        {
            return PodMutationResult.Skipped(SkipReasons.ProtectedNamespace);
        }

        if (PodIdentityResolver.Resolve(pod, context, out var error) is not { } identity)
        {
            return PodMutationResult.Rejected(error!);
        }

        if (ResolveResources(annotations, out error) is not { } resources)
        {
            return PodMutationResult.Rejected(error!);
        }

        var result = Clone(pod);
        result.Metadata.Labels ??= new Dictionary<string, string>();
        result.Metadata.Labels[SidecarAnnotations.InjectedLabel] = "true";
        AddScrapeAnnotations(result.Metadata.Annotations);

        var spec = result.Spec;
        foreach (var app in spec.Containers)
        {
            app.Env ??= [];
            AddEnvIfAbsent(app.Env, "SERVICECOMB_REGISTRY_ADDRESS", SidecarDefaults.RegistryAddress);
            AddEnvIfAbsent(app.Env, "SIDECAR_HTTP_ADDRESS", SidecarDefaults.RegistryAddress);
        }

        var sidecar = SidecarContainerFactory.Create(_options, identity, resources);
        if (_options.NativeSidecar)
        {
            // First, so it also runs while the pod's other init containers run.
            spec.InitContainers ??= [];
            spec.InitContainers.Insert(0, sidecar);
        }
        else
        {
            spec.Containers.Insert(0, sidecar);
        }

        spec.Volumes ??= [];
        if (!spec.Volumes.Any(v => v.Name == SidecarDefaults.DataVolumeName))
        {
            spec.Volumes.Add(new V1Volume { Name = SidecarDefaults.DataVolumeName, EmptyDir = new V1EmptyDirVolumeSource() });
        }

        return PodMutationResult.Injected(result);
    }

    /// <summary>
    /// The conventional Prometheus scrape annotations, pointing at the agent's <c>/metrics</c> on its health port. A pod
    /// can carry only one set: when the app already has any <c>prometheus.io/*</c> annotation, its own are kept.
    /// </summary>
    private static void AddScrapeAnnotations(IDictionary<string, string> annotations)
    {
        if (annotations.Keys.Any(k => k.StartsWith(SidecarAnnotations.PrometheusPrefix, StringComparison.Ordinal)))
        {
            return;
        }

        annotations[SidecarAnnotations.PrometheusPrefix + "scrape"] = "true";
        annotations[SidecarAnnotations.PrometheusPrefix + "port"] = SidecarDefaults.HealthPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        annotations[SidecarAnnotations.PrometheusPrefix + "path"] = SidecarDefaults.MetricsPath;
    }

    /// <summary>A pod that already has a <c>sidecar</c> container (regular or init) gets no second one.</summary>
    public static bool IsInjected(V1Pod pod) =>
        (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? [])
            .Any(c => c.Name == SidecarDefaults.ContainerName);

    private SidecarResources? ResolveResources(IDictionary<string, string> annotations, out string? error)
    {
        var resources = new SidecarResources(
            Override(annotations, SidecarAnnotations.Image) ?? _options.Image,
            Override(annotations, SidecarAnnotations.CpuRequest) ?? _options.CpuRequest,
            Override(annotations, SidecarAnnotations.MemoryRequest) ?? _options.MemoryRequest,
            Override(annotations, SidecarAnnotations.MemoryLimit) ?? _options.MemoryLimit);

        (string Annotation, string Value)[] quantities =
        [
            (SidecarAnnotations.CpuRequest, resources.CpuRequest),
            (SidecarAnnotations.MemoryRequest, resources.MemoryRequest),
            (SidecarAnnotations.MemoryLimit, resources.MemoryLimit),
        ];
        foreach (var (annotation, value) in quantities)
        {
            if (!ResourceQuantityFormat.IsValid(value))
            {
                error = $"annotation {annotation}=\"{value}\" is not a resource quantity (e.g. 100m, 64Mi)";
                return null;
            }
        }

        error = null;
        return resources;
    }

    private static string? Override(IDictionary<string, string> annotations, string key) =>
        annotations.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static void AddEnvIfAbsent(IList<V1EnvVar> env, string name, string value)
    {
        if (!env.Any(e => e.Name == name))
        {
            env.Add(new V1EnvVar { Name = name, Value = value });
        }
    }

    private static V1Pod Clone(V1Pod pod)
    {
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        copy.Metadata ??= new V1ObjectMeta();
        copy.Spec ??= new V1PodSpec();
        copy.Spec.Containers ??= [];
        return copy;
    }
}
