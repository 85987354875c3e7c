using Sidecar.Cli;

namespace Sidecar.Agent.Cli;

/// <summary>
/// Every flag of <c>sidecar agent</c>, in one place: help, the parser and the settings layering all come from this
/// list (ARCHITECTURE section 6, "Command line"). What each value means is checked in <see cref="Hosting.CommandLine"/>.
/// </summary>
internal static class AgentFlags
{
    public const string Description = "Runs the agent: the Service-Center v4 API on localhost, backed by a LiteDB replica, with optional gossip and upstreams";

    public static readonly Flag[] All =
    [
        new("listen", "Service-Center API listen address (localhost only by default)", "127.0.0.1:30100", "ip:port"),
        new("data-dir", "Directory of the LiteDB replica file", "./sidecar-data", "dir"),
        new("cluster-name", "Name of this cluster (source k8s:<name>; the --clusters entry of this name is skipped)", "default", "name"),
        new("node-name", "This agent's name among its peers", "the name persisted in --data-dir, else the host name", "name"),
        new("tombstone-retention", "How long a deletion is remembered; at least 3m (gossip's replay window)", "10m", "duration"),
        new("health-listen", "Second listener serving only /v1/health, /v1/health/ready and /v1/drain, for kubelet probes", null, "ip:port"),
        new("allowed-hosts", "Host headers answered besides loopback names and the --listen address (DNS rebinding guard); * for any", null, "host,..."),
        new("quota-services", "Most services per tenant", "50000", "count"),
        new("quota-instances", "Most instances per tenant", "150000", "count"),
        new("quota-schemas", "Most schemas per service", "100", "count"),
        new("quota-tags", "Most tags per service", "100", "count"),
        new("clusters", "Remote Service-Centers pulled as sources sc:<name>", null, "name=url[,url],..."),
        new("aggregate", "Ordered adaptors aggregated: servicecenter, k8s", "servicecenter when --clusters is set", "list"),
        new("registry-upstream", "Home Service-Center the agent mirrors its own registrations into", null, "url"),
        new("sync-interval", "Pull period of remote clusters, heartbeat period towards the home Service-Center (10ms-1h)", "5s", "duration"),
        new("upstream-timeout", "Timeout of one HTTP attempt against an upstream (10ms-1h)", "3s", "duration"),
        new("upstream-max-response-bytes", "Largest upstream answer accepted (64KiB-1GiB)", "16MiB", "size"),
        new("kubeconfig", "Kubeconfig of the Kubernetes source (with --aggregate k8s; also KUBERNETES_CONFIG_PATH)", "in-cluster config", "path"),
        new("kube-namespaces", "Namespaces the Kubernetes source watches (also KUBERNETES_NAMESPACE)", "all", "a,b"),
        new("gossip-bind", "Gossip UDP/TCP bind address; turns gossip on", "off (0.0.0.0:7946 with --join)", "ip:port"),
        new("gossip-advertise", "Address other agents reach this one at", "POD_IP or the first non-loopback address, bind port", "ip:port"),
        new("join", "Peers to join; turns gossip on", null, "host:port,..."),
        new("gossip-key", "Cluster key(s), base64 of 32 bytes, comma-separated; the first encrypts", null, "base64"),
        new("gossip-key-file", "File holding the cluster key(s), one per line", null, "path"),
        .. LogSettings.Flags,
    ];

    public static IEnumerable<string> Names => All.Select(f => f.Name);
}
