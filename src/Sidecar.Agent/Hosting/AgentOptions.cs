using System.Net;
using Sidecar.Agent.Upstreams;

namespace Sidecar.Agent.Hosting;

/// <summary>Settings of <c>sidecar agent</c>, validated before anything starts.</summary>
internal sealed record AgentOptions
{
    /// <value>Default <c>127.0.0.1:30100</c>: the app API listens on localhost only.</value>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 30100);

    /// <value>
    /// Default: off. A second listener (<c>--health-listen 0.0.0.0:30101</c>) serving only the health paths, for kubelet
    /// probes, so the app API need not listen beyond localhost.
    /// </value>
    public IPEndPoint? HealthListen { get; init; }

    /// <value>Default <c>./sidecar-data</c>.</value>
    public string DataDir { get; init; } = "./sidecar-data";

    /// <value>Default <c>default</c>.</value>
    public string ClusterName { get; init; } = "default";

    /// <value>Default: the name persisted in the data dir by an earlier run; on a first run the host name (in a pod,
    /// the pod's name), with a random suffix outside Kubernetes so that agents sharing a host do not collide.</value>
    public string? NodeName { get; init; }

    /// <summary>How long a deletion is remembered (so a late copy cannot bring the record back) before it is purged.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan TombstoneRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle watch socket is pinged (Service-Center: 30 s).</summary>
    public TimeSpan WatchPingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Liveness fails when the replica's writer loop has had work waiting this long without finishing a batch (a
    /// stuck loop or store): kubelet restarts the agent. Default 30 s.
    /// </summary>
    public TimeSpan WriterStuckAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Remote Service-Centers pulled as sources <c>sc:&lt;name&gt;</c> (<c>--clusters</c>).</summary>
    /// <value>Default none.</value>
    public IReadOnlyList<UpstreamEndpoint> Clusters { get; init; } = [];

    /// <summary>Ordered aggregated adaptors (<c>--aggregate</c>): <c>servicecenter</c>, <c>k8s</c>.</summary>
    /// <value>Default <c>servicecenter</c> when <see cref="Clusters"/> is set, else none.</value>
    public IReadOnlyList<string> Aggregate { get; init; } = [];

    /// <summary>The home Service-Center the agent mirrors its own registrations into (<c>--registry-upstream</c>).</summary>
    /// <value>Default none.</value>
    public UpstreamEndpoint? RegistryUpstream { get; init; }

    /// <summary>Pull period of remote clusters and heartbeat period towards the home Service-Center (<c>--sync-interval</c>).</summary>
    /// <value>Default 5 s (Service-Center itself uses 30 s).</value>
    public TimeSpan SyncInterval { get; init; } = UpstreamDefaults.SyncInterval;

    /// <summary>Timeout of one HTTP attempt against an upstream (<c>--upstream-timeout</c>).</summary>
    /// <value>Default 3 s.</value>
    public TimeSpan UpstreamTimeout { get; init; } = UpstreamDefaults.AttemptTimeout;

    /// <summary>Limits on what the local API may create (<c>--quota-services</c>, <c>--quota-instances</c>, <c>--quota-schemas</c>, <c>--quota-tags</c>).</summary>
    /// <value>Default Service-Center's: 50,000 services and 150,000 instances per tenant, 100 schemas and 100 tags per service.</value>
    public Registry.RegistryQuotas Quotas { get; init; } = Registry.RegistryQuotas.Default;

    /// <summary>
    /// Host names (or IP addresses) the API answers besides loopback names and the <see cref="Listen"/> address
    /// (<c>--allowed-hosts</c>); <c>*</c> allows any. Other Host headers are refused (DNS rebinding).
    /// </summary>
    /// <value>Default none.</value>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The most bytes one upstream answer may have (<c>--upstream-max-response-bytes</c>); a larger one fails the pull.</summary>
    /// <value>Default 16 MiB.</value>
    public long UpstreamMaxResponseBytes { get; init; } = UpstreamDefaults.MaxResponseBytes;

    /// <summary>The Kubernetes source <c>k8s:&lt;cluster-name&gt;</c> (<c>--aggregate k8s</c>, <c>--kubeconfig</c>, <c>--kube-namespaces</c>); null when not aggregated.</summary>
    public Sidecar.Kubernetes.Source.KubeSourceOptions? Kubernetes { get; init; }

    /// <summary>Log format and level (<c>--log-format</c>, <c>--log-level</c>).</summary>
    /// <value>Default text at Information.</value>
    public Sidecar.Cli.LogSettings Logging { get; init; } = new(Json: false, Level: null);

    /// <summary>Gossip with the other agents of the cluster; null when standalone.</summary>
    public Gossip.GossipSettings? Gossip { get; init; }
}
