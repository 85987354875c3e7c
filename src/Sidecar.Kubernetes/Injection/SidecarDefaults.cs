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

    public const int GossipPort = 7946;
    public const string DataDir = "/var/lib/sidecar";
    public const string DataVolumeName = "sidecar-data";
    public const string RegistryAddress = "http://127.0.0.1:30100";
    public const string ReadyPath = "/v1/health/ready";
    public const string LivePath = "/v1/health";

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
}
