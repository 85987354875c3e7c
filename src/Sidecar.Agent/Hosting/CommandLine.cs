using System.Globalization;
using Microsoft.Extensions.Configuration;
using Sidecar.Cli;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Reads the agent's settings from, in order of precedence, the command line, <c>SIDECAR_*</c> environment variables
/// and <c>appsettings.json</c> (key <c>Sidecar:&lt;flag&gt;</c>), and checks the shape of each value. Errors name the
/// flag. The settings as a whole are validated by <see cref="AgentOptionsValidator"/> when the host starts.
/// </summary>
internal static class CommandLine
{
    /// <summary>Flags of <c>sidecar agent</c> this build implements (defined in <see cref="Cli.AgentFlags"/>).</summary>
    public static readonly string[] AgentFlags = [.. Cli.AgentFlags.Names];

    /// <summary>Flags of the contract that later versions implement; refused with a clear message rather than ignored.</summary>
    public static readonly string[] PlannedFlags = [];

    /// <exception cref="OptionException">A flag or setting is unknown or unusable; the message is one line naming it.</exception>
    public static AgentOptions ParseAgent(string[] args, IConfiguration configuration)
    {
        var parsed = FlagParser.Parse("agent", Cli.AgentFlags.Description, Cli.AgentFlags.All, args, TextWriter.Null);
        if (parsed.Error is { } error)
        {
            throw new OptionException(error);
        }

        return ParseAgent(new Settings(parsed.Values ?? new Dictionary<string, string>(), Environment.GetEnvironmentVariable, configuration));
    }

    private static AgentOptions ParseAgent(Settings settings)
    {
        string? Get(string flag) => settings.Get(flag);
        foreach (var planned in PlannedFlags)
        {
            if (Get(planned) is not null)
            {
                throw new OptionException($"--{planned} is not implemented in this version of sidecar (standalone mode only)");
            }
        }

        var options = new AgentOptions { Logging = LogSettings.Parse(Get, out var logError) ?? throw new OptionException(logError!) };
        if (Get("listen") is { } listen)
        {
            options = options with { Listen = Value.Endpoint("listen", listen) };
        }

        if (Get("data-dir") is { } dataDir)
        {
            options = options with { DataDir = dataDir };
        }

        if (Get("cluster-name") is { } cluster)
        {
            options = options with { ClusterName = Value.Name("cluster-name", cluster) };
        }

        if (Get("node-name") is { } node)
        {
            options = options with { NodeName = Value.Name("node-name", node) };
        }

        if (Get("tombstone-retention") is { } retention)
        {
            // The minimum (gossip's replay window) is checked with the other settings in AgentOptionsValidator.
            options = options with { TombstoneRetention = Value.Duration("tombstone-retention", retention, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)) };
        }

        if (Get("health-listen") is { } healthListen)
        {
            options = options with { HealthListen = Value.Endpoint("health-listen", healthListen) };
        }

        if (Get("allowed-hosts") is { } allowedHosts)
        {
            options = options with { AllowedHosts = HostList("allowed-hosts", allowedHosts) };
        }

        options = options with
        {
            Quotas = new Registry.RegistryQuotas
            {
                ServicesPerTenant = Get("quota-services") is { } services ? Count("quota-services", services) : Registry.RegistryQuotas.DefaultServices,
                InstancesPerTenant = Get("quota-instances") is { } instances ? Count("quota-instances", instances) : Registry.RegistryQuotas.DefaultInstances,
                SchemasPerService = Get("quota-schemas") is { } schemas ? Count("quota-schemas", schemas) : Registry.RegistryQuotas.DefaultSchemas,
                TagsPerService = Get("quota-tags") is { } tags ? Count("quota-tags", tags) : Registry.RegistryQuotas.DefaultTags,
            },
        };
        options = options with { Gossip = Gossip.GossipCommandLine.Parse(Get) };
        options = UpstreamFlags.Apply(options, Get);
        return KubernetesFlags.Apply(options, Get, Environment.GetEnvironmentVariable);
    }

    private static int Count(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new OptionException($"--{flag} '{value}' must be a whole number above 0");

    /// <summary>A comma-separated list of host names or IP addresses (IPv6 with or without brackets), or <c>*</c>.</summary>
    private static string[] HostList(string flag, string value)
    {
        var hosts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in hosts)
        {
            if (host != "*" && Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            {
                throw new OptionException($"--{flag}: '{host}' is not a host name or IP address (e.g. --{flag} my-pod.example,10.0.0.7 or *)");
            }
        }

        return hosts.Length > 0 ? hosts : throw new OptionException($"--{flag} must name at least one host (or *)");
    }
}
