using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Gossip;

/// <summary>Reads the gossip flags for <c>CommandLine.ParseAgent</c>; errors name the flag.</summary>
internal static class GossipCommandLine
{
    /// <summary>The gossip settings, or null (standalone) when neither <c>--gossip-bind</c> nor <c>--join</c> is set.</summary>
    /// <param name="get">Reads a flag from the command line, the environment or appsettings.json.</param>
    public static GossipSettings? Parse(Func<string, string?> get)
    {
        var bindText = get("gossip-bind");
        var joinText = get("join");
        if (bindText is null && joinText is null)
        {
            foreach (var flag in new[] { "gossip-advertise", "gossip-key", "gossip-key-file" })
            {
                if (get(flag) is not null)
                {
                    throw new OptionException($"--{flag} needs gossip: set --gossip-bind (e.g. 0.0.0.0:{GossipSettings.DefaultPort}) and/or --join");
                }
            }

            return null;
        }

        var bind = bindText is null ? new IPEndPoint(IPAddress.Any, GossipSettings.DefaultPort) : Endpoint("gossip-bind", bindText);
        var advertise = get("gossip-advertise") is { } advertiseText ? Endpoint("gossip-advertise", advertiseText) : DefaultAdvertise(bind);
        if (advertise.Address.Equals(IPAddress.Any) || advertise.Address.Equals(IPAddress.IPv6Any) || advertise.Port == 0)
        {
            throw new OptionException($"--gossip-advertise '{advertise}' must be an address and port other agents can reach");
        }

        var join = (joinText ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var peer in join)
        {
            HostAndPort("join", peer);
        }

        var scale = 1.0;
        if (get("gossip-time-scale") is { } scaleText
            && (!double.TryParse(scaleText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out scale) || scale is < 0.05 or > 20))
        {
            throw new OptionException($"gossip-time-scale '{scaleText}' must be a number from 0.05 to 20");
        }

        return new GossipSettings { Bind = bind, Advertise = advertise, Join = join, Keyring = Keyring(get), TimeScale = scale };
    }

    /// <summary>Splits <c>host:port</c> (host a name or an IP address, IPv6 in brackets), port 1-65535.</summary>
    public static (string Host, int Port) HostAndPort(string flag, string value) =>
        Value.HostPort(flag, value, $"sidecar-peers:{GossipSettings.DefaultPort}");

    private static GossipKeyring Keyring(Func<string, string?> get)
    {
        var key = get("gossip-key");
        var file = get("gossip-key-file");
        if (key is not null && file is not null)
        {
            throw new OptionException("--gossip-key and --gossip-key-file are exclusive: set one");
        }

        if (key is null && file is null)
        {
            throw new OptionException("gossip needs a cluster key: set --gossip-key <base64 32 bytes> or --gossip-key-file <path> (generate one with: head -c 32 /dev/urandom | base64)");
        }

        string text;
        var flag = key is not null ? "gossip-key" : "gossip-key-file";
        try
        {
            text = key ?? File.ReadAllText(file!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OptionException($"--gossip-key-file '{file}' cannot be read: {ex.Message}");
        }

        return GossipKeyring.TryParse(text, out var keyring, out var error) ? keyring! : throw new OptionException($"--{flag}: {error}");
    }

    /// <summary>An address to bind or advertise: an IP address or localhost, and a port other than 0.</summary>
    private static IPEndPoint Endpoint(string flag, string value)
    {
        HostAndPort(flag, value);
        return Value.Endpoint(flag, value, $"0.0.0.0:{GossipSettings.DefaultPort}");
    }

    private static IPEndPoint DefaultAdvertise(IPEndPoint bind)
    {
        if (!bind.Address.Equals(IPAddress.Any) && !bind.Address.Equals(IPAddress.IPv6Any))
        {
            return bind;
        }

        if (Environment.GetEnvironmentVariable("POD_IP") is { } podIp && IPAddress.TryParse(podIp, out var pod))
        {
            return new IPEndPoint(pod, bind.Port);
        }

        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return new IPEndPoint(address ?? IPAddress.Loopback, bind.Port);
    }
}
