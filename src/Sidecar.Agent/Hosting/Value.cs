using System.Net;
using Sidecar.Cli;

namespace Sidecar.Agent.Hosting;

/// <summary>The shared value parsers (<see cref="SettingValue"/>), throwing the agent's <see cref="OptionException"/>.</summary>
internal static class Value
{
    public static IPEndPoint Endpoint(string flag, string value, string example = "127.0.0.1:30100") =>
        SettingValue.Endpoint(flag, value, out var endpoint, example) is { } error ? throw new OptionException(error) : endpoint;

    /// <summary><c>host:port</c> with a port other than 0 (a peer to reach).</summary>
    public static (string Host, int Port) HostPort(string flag, string value, string example) =>
        SettingValue.HostPort(flag, value, out var host, out var port, example) is { } error || port == 0
            ? throw new OptionException($"--{flag} '{value}' is not host:port (e.g. {example})")
            : (host, port);

    public static TimeSpan Duration(string flag, string value, TimeSpan min, TimeSpan max) =>
        SettingValue.Duration(flag, value, min, max, out var duration) is { } error ? throw new OptionException(error) : duration;

    public static string Name(string flag, string value, int maxLength = 128) =>
        SettingValue.Name(flag, value, maxLength) is { } error ? throw new OptionException(error) : value;
}
