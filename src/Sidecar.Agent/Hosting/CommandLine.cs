using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Reads the agent's settings from, in order of precedence, the command line, <c>SIDECAR_*</c> environment variables
/// and <c>appsettings.json</c> (key <c>Sidecar:&lt;flag&gt;</c>), and validates them. Errors name the flag.
/// </summary>
internal static class CommandLine
{
    /// <summary>Flags of <c>sidecar agent</c> this build implements.</summary>
    public static readonly string[] AgentFlags =
        ["listen", "data-dir", "cluster-name", "node-name", "tombstone-retention", "health-listen", "allowed-hosts",
         "quota-services", "quota-instances", "quota-schemas", "quota-tags", .. UpstreamFlags.Flags, .. KubernetesFlags.Flags, .. Gossip.GossipCommandLine.Flags];

    /// <summary>Flags of the contract that later versions implement; refused with a clear message rather than ignored.</summary>
    public static readonly string[] PlannedFlags = [];

    public static AgentOptions ParseAgent(string[] args, IConfiguration configuration)
    {
        var flags = ParseFlags(args);
        string? Get(string flag) => flags.GetValueOrDefault(flag)
            ?? Environment.GetEnvironmentVariable("SIDECAR_" + flag.Replace('-', '_').ToUpperInvariant())
            ?? configuration["Sidecar:" + flag];

        foreach (var planned in PlannedFlags)
        {
            if (Get(planned) is not null)
            {
                throw new OptionException($"--{planned} is not implemented in this version of sidecar (standalone mode only)");
            }
        }

        var options = new AgentOptions();
        if (Get("listen") is { } listen)
        {
            options = options with { Listen = ParseEndpoint("listen", listen) };
        }

        if (Get("data-dir") is { } dataDir)
        {
            options = options with { DataDir = NonEmpty("data-dir", dataDir) };
        }

        if (Get("cluster-name") is { } cluster)
        {
            options = options with { ClusterName = Name("cluster-name", cluster) };
        }

        if (Get("node-name") is { } node)
        {
            options = options with { NodeName = Name("node-name", node) };
        }

        if (Get("tombstone-retention") is { } retention)
        {
            // Tombstones must outlive gossip's replay window (2 min) plus the clock lead it accepts (60 s), or a
            // replayed message could bring a deleted record back (src/Sidecar.Agent/Gossip/README.md, Limits).
            var seconds = Seconds("tombstone-retention", retention);
            options = options with
            {
                TombstoneRetention = seconds >= MinTombstoneRetention
                    ? seconds
                    : throw new OptionException($"--tombstone-retention '{retention}' must be at least {MinTombstoneRetention.TotalSeconds:0} seconds (tombstones must outlive gossip's 3 min replay window)"),
            };
        }

        if (Get("health-listen") is { } healthListen)
        {
            var health = ParseEndpoint("health-listen", healthListen);
            options = options with
            {
                HealthListen = health.Port != 0 && health.Port != options.Listen.Port
                    ? health
                    : throw new OptionException($"--health-listen '{healthListen}' needs a fixed port other than the --listen port {options.Listen.Port}"),
            };
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

    private static readonly TimeSpan MinTombstoneRetention = TimeSpan.FromMinutes(3);

    private static TimeSpan Seconds(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new OptionException($"--{flag} '{value}' must be a whole number of seconds above 0");

    /// <summary>Parses <c>--flag value</c> and <c>--flag=value</c>; any flag not in <see cref="AgentFlags"/> or <see cref="PlannedFlags"/> is an error.</summary>
    private static Dictionary<string, string> ParseFlags(string[] args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new OptionException($"unexpected argument '{arg}' (flags look like --listen 127.0.0.1:30100)");
            }

            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                ? (arg[2..eq], arg[(eq + 1)..])
                : (arg[2..], i + 1 < args.Length ? args[++i] : throw new OptionException($"--{arg[2..]} needs a value"));
            if (!AgentFlags.Contains(name) && !PlannedFlags.Contains(name))
            {
                throw new OptionException($"unknown flag --{name} for 'sidecar agent' (see 'sidecar --help')");
            }

            flags[name] = value;
        }

        return flags;
    }

    private static IPEndPoint ParseEndpoint(string flag, string value)
    {
        var text = value.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new OptionException($"--{flag} '{value}' is not host:port (e.g. 127.0.0.1:30100)");
        }

        var host = text[..colon].Trim('[', ']');
        IPAddress? address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        return address is null
            ? throw new OptionException($"--{flag} '{value}': '{host}' is not an IP address or localhost")
            : new IPEndPoint(address, port);
    }

    private static string NonEmpty(string flag, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new OptionException($"--{flag} must not be empty") : value;

    private static string Name(string flag, string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : throw new OptionException($"--{flag} '{value}' must be 1-128 characters of letters, digits, '-', '_' or '.'");
}
