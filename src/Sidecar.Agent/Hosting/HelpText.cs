using System.Text;

namespace Sidecar.Agent.Hosting;

/// <summary>What <c>sidecar --help</c> prints; each command's own <c>--help</c> lists its flags with defaults and env names.</summary>
internal static class HelpText
{
    private const string Notes = """
        Every flag can also be set as SIDECAR_<FLAG> (e.g. SIDECAR_DATA_DIR) or as Sidecar:<flag> in appsettings.json
        next to the executable; the command line wins, then the environment, then the file.

        Gossip is on with --gossip-bind or --join and then needs a cluster key (head -c 32 /dev/urandom | base64);
        several keys (comma-separated, or one per line in the file) form a keyring: the first encrypts, all decrypt.
        Upstream secrets are settings only: SIDECAR_UPSTREAM_TOKEN_<NAME>, SIDECAR_UPSTREAM_CA_<NAME> (PEM CA file),
        SIDECAR_REGISTRY_UPSTREAM_TOKEN, SIDECAR_REGISTRY_UPSTREAM_CA (see docs/upstreams.md).

        With SIDECAR_APP_PORT set (the injector does it), the agent registers the pod's app itself:
        SIDECAR_APP_ID, SIDECAR_SERVICE_NAME, SIDECAR_VERSION, SIDECAR_ENVIRONMENT, SIDECAR_APP_PROTOCOL,
        SIDECAR_APP_HEALTH_PATH, SIDECAR_APP_PROBE_INTERVAL, SIDECAR_APP_PROBE_TIMEOUT,
        SIDECAR_APP_FAILURE_THRESHOLD, SIDECAR_APP_DRAIN_DELAY, POD_NAME, POD_NAMESPACE, POD_IP, POD_UID, NODE_NAME.
        """;

    public static string Root()
    {
        var text = new StringBuilder();
        text.AppendLine("sidecar: per-pod service discovery agent speaking the Service-Center v4 API.");
        text.AppendLine();
        text.AppendLine("Usage: sidecar <command> [flags]    sidecar <command> --help    sidecar --version");
        text.AppendLine();
        text.AppendLine("Commands:");
        foreach (var (name, description) in SidecarCommand.Commands)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {name,-10}{description}");
        }

        text.AppendLine();
        text.AppendLine("Agent flags (details: sidecar agent --help):");
        var line = new StringBuilder(" ");
        foreach (var flag in Cli.AgentFlags.All)
        {
            if (line.Length + flag.Name.Length > 110)
            {
                text.AppendLine(line.ToString());
                line.Clear().Append(' ');
            }

            line.Append(" --").Append(flag.Name);
        }

        text.AppendLine(line.ToString());
        text.AppendLine();
        text.Append(Notes);
        return text.ToString();
    }
}
