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
    public const string MemoryRequest = "64Mi";
    public const string MemoryLimit = "128Mi";

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

    public static readonly IReadOnlyList<string> AppProtocols = ["rest", "highway", "grpc"];

    /// <value>
    /// Cluster settings (ConfigMap keys) the injector does not copy into sidecars because this agent version refuses
    /// them at start-up (Sidecar.Agent CommandLine.PlannedFlags) and the pod would crash-loop. Remove an entry when the
    /// agent implements its flag: the gossip ones with issue 4, the upstream ones with issue 5.
    /// </value>
    public static readonly IReadOnlySet<string> SettingsTheAgentRefuses = new HashSet<string>(StringComparer.Ordinal)
    {
        // TODO(issue 4, gossip)
        "SIDECAR_GOSSIP_BIND", "SIDECAR_GOSSIP_ADVERTISE", "SIDECAR_JOIN", "SIDECAR_GOSSIP_KEY", "SIDECAR_GOSSIP_KEY_FILE",
    };
}
