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

        if (pod.Spec?.HostNetwork == true)
        {
            // Every such pod on a node would bind the same node ports (7946, 30100, 30101): the second one crash-loops.
            return PodMutationResult.Rejected(
                $"hostNetwork pods are not injected (their agents would share the node's ports {SidecarDefaults.GossipPort}, {SidecarDefaults.ApiPort} and {SidecarDefaults.HealthPort}); remove {SidecarAnnotations.Inject} or hostNetwork");
        }

        if (ResolveGossip(annotations, out error) is not { } gossip)
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

            // The instance leaves the registry before the app gets SIGTERM. An app's own preStop is kept, not
            // chained: Kubernetes runs one handler per container (manifests/README.md says how to call drain from it).
            app.Lifecycle ??= new V1Lifecycle();
            app.Lifecycle.PreStop ??= new V1LifecycleHandler
            {
                HttpGet = new V1HTTPGetAction { Path = SidecarDefaults.DrainPath, Port = SidecarDefaults.HealthPort },
            };
        }

        var sidecar = SidecarContainerFactory.Create(_options, identity, resources, gossip);
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
            spec.Volumes.Add(new V1Volume
            {
                Name = SidecarDefaults.DataVolumeName,
                EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(_options.DataSizeLimit) },
            });
        }

        if (gossip && !spec.Volumes.Any(v => v.Name == SidecarDefaults.GossipKeyVolumeName))
        {
            // Not optional: without the Secret kubelet keeps the pod waiting with the event 'secret "sidecar-gossip"
            // not found' and starts it once the Secret exists, rather than an agent that crash-loops or runs alone.
            spec.Volumes.Add(new V1Volume
            {
                Name = SidecarDefaults.GossipKeyVolumeName,
                Secret = new V1SecretVolumeSource
                {
                    SecretName = _options.GossipKeySecretName,
                    Items = [new V1KeyToPath { Key = SidecarDefaults.GossipKeySecretKey, Path = SidecarDefaults.GossipKeySecretKey }],
                    DefaultMode = 0x124, // 0444: the agent runs as a non-root uid that does not own the file
                },
            });
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

    /// <summary>Gossip is on unless the pod says <c>gossip: "false"</c> or the injector has no key Secret to mount.</summary>
    private bool? ResolveGossip(IDictionary<string, string> annotations, out string? error)
    {
        error = null;
        if (Override(annotations, SidecarAnnotations.Gossip) is not { } value)
        {
            return !string.IsNullOrEmpty(_options.GossipKeySecretName);
        }

        if (!bool.TryParse(value, out var gossip))
        {
            error = $"annotation {SidecarAnnotations.Gossip}=\"{value}\" must be true or false";
            return null;
        }

        if (gossip && string.IsNullOrEmpty(_options.GossipKeySecretName))
        {
            error = $"annotation {SidecarAnnotations.Gossip}=\"true\" but the injector has no gossip key Secret (--gossip-key-secret is empty)";
            return null;
        }

        return gossip;
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
