namespace Sidecar.Kubernetes.Injection;

/// <summary>Defaults of the injected sidecar and of the injector; documented in manifests/README.md.</summary>
internal static class SidecarDefaults
{
    /// <value>The injected container's name; its presence marks a pod as already injected.</value>
    public const string ContainerName = "sidecar";

    /// <value>The image the injector puts into pods unless overridden.</value>
    public const string Image = "servicecomb/sidecar:latest";

    public const string ImagePullPolicy = "IfNotPresent";
    public const string CpuRequest = "50m";

    // Measured on the native agent (tests/Sidecar.Benchmarks/RESULTS.md, memory section): about 80 MiB VmRSS empty and
    // about 100 MiB idle with 10,000 instances (36 MiB of it the executable's own file pages), 105-110 MiB under
    // find load and 130-150 MiB at the peak of restoring 10,000 instances before the start's garbage is returned. The
    // request covers the idle footprint; the limit the start's peak with headroom (128Mi was below it).
    public const string MemoryRequest = "128Mi";
    public const string MemoryLimit = "256Mi";

    /// <value>The agent API port; apps reach it on 127.0.0.1.</value>
    public const int ApiPort = 30100;

    /// <value>The agent's health-only listener (<c>--health-listen 0.0.0.0:30101</c>) that kubelet probes use.</value>
    public const int HealthPort = 30101;

    public const int GossipPort = 7946;
    public const string DataDir = "/var/lib/sidecar";
    public const string DataVolumeName = "sidecar-data";
    public const string RegistryAddress = "http://127.0.0.1:30100";
    public const string ReadyPath = "/v1/health/ready";
    public const string LivePath = "/v1/health";

    /// <value>The agent's Prometheus metrics, on the health port too.</value>
    public const string MetricsPath = "/metrics";

    /// <value>The non-root uid of the runtime image's <c>app</c> user.</value>
    public const long RunAsUser = 1654;

    public const string GossipKeySecretName = "sidecar-gossip";
    public const string GossipKeySecretKey = "key";
    public const string AppProtocol = "rest";
    public const string Version = "0.0.1";

    public const string InjectorListen = "0.0.0.0:8443";
    public const string InjectorServiceName = "sidecar-injector";
    public const string InjectorNamespace = "sidecar-system";
    public const string WebhookConfigurationName = "sidecar-injector";
    public const string TlsSecretName = "sidecar-injector-tls";

    public static readonly IReadOnlyList<string> AppProtocols = ["rest", "highway", "grpc"];

    /// <value>The join seed when the cluster ConfigMap has no <c>SIDECAR_JOIN</c>: the namespace's headless peers Service.</value>
    public const string Join = "sidecar-peers:7946";

    /// <value>Where the gossip key Secret is mounted in the sidecar (read-only, the key file only).</value>
    public const string GossipKeyDir = "/etc/sidecar/gossip";

    public const string GossipKeyVolumeName = "sidecar-gossip-key";

    /// <value>Secret (in the pod's namespace) whose keys <c>SIDECAR_UPSTREAM_TOKEN_&lt;NAME&gt;</c> hold upstream tokens.</value>
    public const string UpstreamSecretName = "sidecar-upstream";

    /// <value>The agent's drain path on the health listener, called by the app containers' preStop hook.</value>
    public const string DrainPath = "/v1/drain";

    /// <value>The data emptyDir's size limit (the LiteDB replica); flag <c>--data-size-limit</c>.</value>
    public const string DataSizeLimit = "256Mi";
}
