namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// The pod (template) annotations and labels of the external contract (spec/kubernetes.md section 2).
/// </summary>
internal static class SidecarAnnotations
{
    public const string Prefix = "sidecar.servicecomb.io/";
    public const string Inject = Prefix + "inject";
    public const string AppId = Prefix + "app-id";
    public const string ServiceName = Prefix + "service-name";
    public const string Version = Prefix + "version";
    public const string Environment = Prefix + "environment";
    public const string AppPort = Prefix + "app-port";
    public const string AppProtocol = Prefix + "app-protocol";
    public const string Image = Prefix + "image";
    public const string CpuRequest = Prefix + "cpu-request";
    public const string MemoryRequest = Prefix + "memory-request";
    public const string MemoryLimit = Prefix + "memory-limit";

    /// <summary>The agent's <c>--log-level</c> in this pod (env <c>SIDECAR_LOG_LEVEL</c>).</summary>
    public const string LogLevel = Prefix + "log-level";

    /// <summary>The agent's <c>--log-format</c> in this pod: <c>text</c> or <c>json</c> (env <c>SIDECAR_LOG_FORMAT</c>).</summary>
    public const string LogFormat = Prefix + "log-format";

    /// <summary><c>"false"</c>: this pod's agent runs standalone (no gossip, no key Secret needed).</summary>
    public const string Gossip = Prefix + "gossip";

    /// <summary>The label put on injected pods; the peers' headless Service selects it.</summary>
    public const string InjectedLabel = Prefix + "injected";

    /// <summary>The scrape annotations' prefix (<c>prometheus.io/scrape</c>, <c>port</c>, <c>path</c>), added to injected pods.</summary>
    public const string PrometheusPrefix = "prometheus.io/";

    public const string AppNameLabel = "app.kubernetes.io/name";
    public const string AppVersionLabel = "app.kubernetes.io/version";
    public const string PodTemplateHashLabel = "pod-template-hash";
}
