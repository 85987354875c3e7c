namespace Sidecar.Agent.Hosting;

/// <summary>What <c>sidecar --help</c> prints.</summary>
internal static class HelpText
{
    public const string Text = """
        sidecar: per-pod service discovery agent speaking the Service-Center v4 API.

        Commands:
          sidecar agent     [--listen 127.0.0.1:30100] [--data-dir ./sidecar-data]
                            [--cluster-name default] [--node-name <hostname>]
                            [--gossip-bind 0.0.0.0:7946] [--gossip-advertise <ip:port>] [--join host:port,...]
                            [--gossip-key <base64 32 bytes> | --gossip-key-file <path>]
          sidecar injector  [--listen 0.0.0.0:8443] [--tls-cert <pem> --tls-key <pem>]
          sidecar inject    -f <pod-or-workload.yaml> [-o out.yaml]

        Gossip is on with --gossip-bind or --join and then needs a cluster key (head -c 32 /dev/urandom | base64);
        several keys (comma-separated, or one per line in the file) form a keyring: the first encrypts, all decrypt.

        Not yet implemented (refused with an error): --clusters, --aggregate, --registry-upstream.

        Every agent flag can also be set as SIDECAR_<FLAG> (e.g. SIDECAR_DATA_DIR) or as Sidecar:<flag> in
        appsettings.json; the command line wins, then the environment, then the file.
        """;
}
