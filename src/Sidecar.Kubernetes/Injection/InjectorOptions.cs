namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// Settings of <c>sidecar injector</c> and <c>sidecar inject</c>: what is injected and how the webhook is served.
/// </summary>
internal sealed record InjectorOptions
{
    /// <value>Sidecar image; flag <c>--image</c>. Default <see cref="SidecarDefaults.Image"/>.</value>
    public string Image { get; init; } = SidecarDefaults.Image;

    /// <value>Flag <c>--image-pull-policy</c>.</value>
    public string ImagePullPolicy { get; init; } = SidecarDefaults.ImagePullPolicy;

    /// <value>
    /// <see langword="true"/> (default, clusters >= 1.29): an <c>initContainers</c> entry with <c>restartPolicy: Always</c>;
    /// <see langword="false"/>: a regular container. Flag <c>--native-sidecar</c>.
    /// </value>
    public bool NativeSidecar { get; init; } = true;

    public string CpuRequest { get; init; } = SidecarDefaults.CpuRequest;
    public string MemoryRequest { get; init; } = SidecarDefaults.MemoryRequest;
    public string MemoryLimit { get; init; } = SidecarDefaults.MemoryLimit;

    /// <value>
    /// Secret (in the pod's namespace) holding the gossip key (key <c>key</c>), mounted into the sidecar; empty turns
    /// gossip off in injected pods (the agent needs a key to gossip). Flag <c>--gossip-key-secret</c>.
    /// </value>
    public string GossipKeySecretName { get; init; } = SidecarDefaults.GossipKeySecretName;

    /// <value>Secret (in the pod's namespace) with the upstream tokens, referenced optionally; empty: none. Flag <c>--upstream-secret</c>.</value>
    public string UpstreamSecretName { get; init; } = SidecarDefaults.UpstreamSecretName;

    /// <value>The data emptyDir's <c>sizeLimit</c>; flag <c>--data-size-limit</c>.</value>
    public string DataSizeLimit { get; init; } = SidecarDefaults.DataSizeLimit;

    /// <value>Cluster settings (<c>SIDECAR_*</c> env vars) put into every sidecar; read from <c>--cluster-config</c>.</value>
    public IReadOnlyDictionary<string, string> ClusterSettings { get; init; } = new Dictionary<string, string>();

    /// <value>Webhook listen address; flag <c>--listen</c>.</value>
    public string Listen { get; init; } = SidecarDefaults.InjectorListen;

    /// <value>PEM certificate; flag <c>--tls-cert</c>. Without it a self-signed one is generated.</value>
    public string? TlsCertPath { get; init; }

    /// <value>PEM private key; flag <c>--tls-key</c>.</value>
    public string? TlsKeyPath { get; init; }

    /// <value>
    /// Secret in <see cref="Namespace"/> holding the generated CA and serving certificate, shared by all replicas and
    /// restarts (in a cluster, without <c>--tls-cert</c>); empty: a new CA per process. Flag <c>--tls-secret</c>.
    /// </value>
    public string TlsSecretName { get; init; } = SidecarDefaults.TlsSecretName;

    /// <value>How often mounted certificate files are checked for a renewal. Default 10 s.</value>
    public TimeSpan CertificateReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <value>The injector's Service name, used in the generated certificate; flag <c>--service-name</c>.</value>
    public string ServiceName { get; init; } = SidecarDefaults.InjectorServiceName;

    /// <value>The injector's namespace; flag <c>--namespace</c>, else env <c>POD_NAMESPACE</c>.</value>
    public string Namespace { get; init; } = SidecarDefaults.InjectorNamespace;

    /// <value>The MutatingWebhookConfiguration whose caBundle is patched; flag <c>--webhook-config</c>.</value>
    public string WebhookConfigurationName { get; init; } = SidecarDefaults.WebhookConfigurationName;
}
