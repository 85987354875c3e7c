namespace Sidecar.Agent.Hosting;

/// <summary>What <c>sidecar --help</c> prints.</summary>
internal static class HelpText
{
    public const string Text = """
        sidecar: per-pod service discovery agent speaking the Service-Center v4 API.

        Commands:
          sidecar agent     [--listen 127.0.0.1:30100] [--data-dir ./sidecar-data]
                            [--cluster-name default] [--node-name <hostname, or a persisted unique name>]
                            [--clusters "name=url[,url],name2=url"] [--aggregate "servicecenter,k8s"]
                            [--registry-upstream <url>] [--sync-interval 5s] [--upstream-timeout 3s]
                            [--upstream-max-response-bytes 16MiB]
                            [--kubeconfig <path>] [--kube-namespaces a,b]  (with --aggregate k8s; in-cluster by default)
                            [--health-listen <ip:port>]  (only /v1/health, /v1/health/ready; for kubelet probes)
                            [--allowed-hosts name,ip,...|*]  (Host headers answered besides loopback and --listen)
                            [--quota-services 50000] [--quota-instances 150000]  (per tenant)
                            [--quota-schemas 100] [--quota-tags 100]  (per service)
                            [--gossip-bind 0.0.0.0:7946] [--gossip-advertise <ip:port>] [--join host:port,...]
                            [--gossip-key <base64 32 bytes> | --gossip-key-file <path>]
          sidecar injector  [--listen 0.0.0.0:8443] [--tls-cert <pem> --tls-key <pem>]
          sidecar inject    -f <pod-or-workload.yaml> [-o out.yaml]

        Gossip is on with --gossip-bind or --join and then needs a cluster key (head -c 32 /dev/urandom | base64);
        several keys (comma-separated, or one per line in the file) form a keyring: the first encrypts, all decrypt.
        Upstream secrets are settings only: SIDECAR_UPSTREAM_TOKEN_<NAME>, SIDECAR_UPSTREAM_CA_<NAME> (PEM CA file),
        SIDECAR_REGISTRY_UPSTREAM_TOKEN, SIDECAR_REGISTRY_UPSTREAM_CA (see docs/upstreams.md).

        With SIDECAR_APP_PORT set (the injector does it), the agent registers the pod's app itself:
        SIDECAR_APP_ID, SIDECAR_SERVICE_NAME, SIDECAR_VERSION, SIDECAR_ENVIRONMENT, SIDECAR_APP_PROTOCOL,
        SIDECAR_APP_HEALTH_PATH, SIDECAR_APP_PROBE_INTERVAL, SIDECAR_APP_PROBE_TIMEOUT,
        SIDECAR_APP_FAILURE_THRESHOLD, SIDECAR_APP_DRAIN_DELAY, POD_NAME, POD_NAMESPACE, POD_IP, POD_UID, NODE_NAME.

        Every agent flag can also be set as SIDECAR_<FLAG> (e.g. SIDECAR_DATA_DIR) or as Sidecar:<flag> in
        appsettings.json; the command line wins, then the environment, then the file.
        """;
}
