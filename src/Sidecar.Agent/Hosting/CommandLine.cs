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
        ["listen", "data-dir", "cluster-name", "node-name", "tombstone-retention", "health-listen", .. UpstreamFlags.Flags, .. KubernetesFlags.Flags, .. Gossip.GossipCommandLine.Flags];

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
            options = options with { TombstoneRetention = Seconds("tombstone-retention", retention) };
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

        options = options with { Gossip = Gossip.GossipCommandLine.Parse(Get) };
        options = UpstreamFlags.Apply(options, Get);
        return KubernetesFlags.Apply(options, Get, Environment.GetEnvironmentVariable);
    }

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
