using System.Globalization;
using System.Net;

namespace Sidecar.Cli;

/// <summary>
/// The one parser of the value shapes every command shares (host:port, durations, names), so a flag means the same
/// thing on every command. Each returns null when the value is good, else one line that starts with the flag.
/// </summary>
internal static class SettingValue
{
    /// <summary><c>host:port</c>, host a name or an IP address (IPv6 in brackets), port 0-65535.</summary>
    public static string? HostPort(string flag, string value, out string host, out int port, string example = "127.0.0.1:30100")
    {
        var text = value.Trim();
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        port = 0;
        return colon > 0 && host.Length > 0
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535
            ? null
            : $"--{flag} '{value}' is not host:port (e.g. {example})";
    }

    /// <summary><c>ip:port</c> or <c>localhost:port</c>: an address to bind or advertise.</summary>
    public static string? Endpoint(string flag, string value, out IPEndPoint endpoint, string example = "127.0.0.1:30100")
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        if (HostPort(flag, value, out var host, out var port, example) is { } error)
        {
            return error;
        }

        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null)
        {
            return $"--{flag} '{value}': '{host}' is not an IP address or localhost";
        }

        endpoint = new IPEndPoint(address, port);
        return null;
    }

    /// <summary>A duration: <c>250ms</c>, <c>5s</c>, <c>1m</c>, <c>2h</c>, or plain whole seconds; within [min, max].</summary>
    public static string? Duration(string flag, string value, TimeSpan min, TimeSpan max, out TimeSpan duration)
    {
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 1.0)
            : value.EndsWith('s') ? (value[..^1], 1000.0)
            : value.EndsWith('m') ? (value[..^1], 60_000.0)
            : value.EndsWith('h') ? (value[..^1], 3_600_000.0)
            : (value, 1000.0);
        var ok = double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && amount * unit >= min.TotalMilliseconds && amount * unit <= max.TotalMilliseconds;
        duration = ok ? TimeSpan.FromMilliseconds(amount * unit) : TimeSpan.Zero;
        return ok ? null : $"--{flag} '{value}' must be a duration between {Show(min)} and {Show(max)} such as 200ms, 5s or 1m";
    }

    /// <summary>A name of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, 1 to <paramref name="maxLength"/> characters.</summary>
    public static string? Name(string flag, string value, int maxLength = 128) =>
        value.Length > 0 && value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"--{flag} '{value}' must be 1-{maxLength} characters of letters, digits, '-', '_' or '.'";

    private static string Show(TimeSpan span) =>
        span.TotalMilliseconds < 1000 ? $"{span.TotalMilliseconds:0}ms"
        : span.TotalSeconds < 60 ? $"{span.TotalSeconds:0}s"
        : span.TotalMinutes < 60 ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalHours:0}h";
}
