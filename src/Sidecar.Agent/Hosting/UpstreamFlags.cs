using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sidecar.Agent.Upstreams;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Parses the upstream flags: <c>--clusters</c>, <c>--aggregate</c>, <c>--registry-upstream</c>, <c>--sync-interval</c>,
/// <c>--upstream-timeout</c>, <c>--upstream-max-response-bytes</c>, and the config-only secrets <c>upstream-token-&lt;name&gt;</c> /
/// <c>upstream-ca-&lt;name&gt;</c> (env <c>SIDECAR_UPSTREAM_TOKEN_&lt;NAME&gt;</c>) and <c>registry-upstream-token</c> /
/// <c>registry-upstream-ca</c>. Tokens are not command-line flags so that they do not show in the process list.
/// </summary>
internal static class UpstreamFlags
{
    private static readonly string[] s_adaptors = ["servicecenter", "k8s"];

    public static AgentOptions Apply(AgentOptions options, Func<string, string?> get)
    {
        if (get("sync-interval") is { } interval)
        {
            options = options with { SyncInterval = Duration("sync-interval", interval) };
        }

        if (get("upstream-timeout") is { } timeout)
        {
            options = options with { UpstreamTimeout = Duration("upstream-timeout", timeout) };
        }

        if (get("upstream-max-response-bytes") is { } maxBytes)
        {
            options = options with { UpstreamMaxResponseBytes = Size("upstream-max-response-bytes", maxBytes) };
        }

        if (get("clusters") is { } clusters)
        {
            options = options with { Clusters = ParseClusters(clusters, options.ClusterName, get) };
        }

        var aggregate = get("aggregate") is { } text
            ? ParseAggregate(text)
            : options.Clusters.Count > 0 ? ["servicecenter"] : [];
        if (options.Clusters.Count > 0 && !aggregate.Contains("servicecenter"))
        {
            throw new OptionException("--clusters needs 'servicecenter' in --aggregate (e.g. --aggregate servicecenter)");
        }

        options = options with { Aggregate = aggregate };
        if (get("registry-upstream") is { } home)
        {
            var url = Url("registry-upstream", home);
            options = options with
            {
                RegistryUpstream = new UpstreamEndpoint("home", [url], get("registry-upstream-token"), CaFile("registry-upstream-ca", get("registry-upstream-ca"))),
            };
        }

        return options;
    }

    /// <summary><c>name=url[,url],name2=url</c>: a part without <c>=</c> is one more URL of the name before it.</summary>
    private static List<UpstreamEndpoint> ParseClusters(string text, string localCluster, Func<string, string?> get)
    {
        var byName = new List<(string Name, List<Uri> Urls)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                if (byName.Count == 0)
                {
                    throw new OptionException($"--clusters '{text}' must start with name=url (e.g. --clusters \"sc2=http://10.0.0.2:30100\")");
                }

                byName[^1].Urls.Add(Url("clusters", raw));
                continue;
            }

            var name = raw[..eq].Trim();
            if (Sidecar.Cli.SettingValue.Name("clusters", name, 64) is not null)
            {
                throw new OptionException($"--clusters: cluster name '{name}' must be 1-64 characters of letters, digits, '-', '_' or '.'");
            }

            if (byName.Any(c => c.Name == name))
            {
                throw new OptionException($"--clusters: cluster '{name}' is listed twice; give its URLs once, comma-separated");
            }

            byName.Add((name, [Url("clusters", raw[(eq + 1)..].Trim())]));
        }

        if (byName.Count == 0)
        {
            throw new OptionException("--clusters must not be empty (e.g. --clusters \"sc2=http://10.0.0.2:30100\")");
        }

        // As Service-Center does, the entry named after the local cluster is this cluster itself: never pulled.
        return [.. byName.Where(c => c.Name != localCluster).Select(c => new UpstreamEndpoint(
            c.Name, c.Urls, get("upstream-token-" + c.Name), CaFile("upstream-ca-" + c.Name, get("upstream-ca-" + c.Name))))];
    }

    private static List<string> ParseAggregate(string text)
    {
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => a.ToLowerInvariant()).ToList();
        foreach (var adaptor in list)
        {
            if (!s_adaptors.Contains(adaptor))
            {
                throw new OptionException($"--aggregate '{text}': unknown adaptor '{adaptor}' (use servicecenter, k8s or both, in order)");
            }
        }

        if (list.Count == 0 || list.Distinct().Count() != list.Count)
        {
            throw new OptionException($"--aggregate '{text}' must list servicecenter and/or k8s once each");
        }

        return list;
    }

    private static Uri Url(string flag, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new OptionException($"--{flag}: '{text}' is not an http:// or https:// URL (e.g. http://10.0.0.2:30100)");

    private static string? CaFile(string key, string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(path);
            return path;
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new OptionException($"{key} '{path}' is not a readable PEM certificate file: {ex.Message}");
        }
    }

    /// <summary>A size in bytes: <c>16777216</c>, <c>512KiB</c>, <c>16MiB</c> or <c>1GiB</c>; 64 KiB to 1 GiB.</summary>
    internal static long Size(string flag, string text)
    {
        var (number, unit) = text.EndsWith("KiB", StringComparison.Ordinal) ? (text[..^3], 1L << 10)
            : text.EndsWith("MiB", StringComparison.Ordinal) ? (text[..^3], 1L << 20)
            : text.EndsWith("GiB", StringComparison.Ordinal) ? (text[..^3], 1L << 30)
            : (text, 1L);
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= (1L << 30) && value * unit is >= 64 << 10 and <= 1L << 30
            ? value * unit
            : throw new OptionException($"--{flag} '{text}' must be a size between 64KiB and 1GiB such as 16MiB or 16777216");
    }

    /// <summary>A duration between 10 ms and 1 h (<see cref="Value.Duration"/>).</summary>
    internal static TimeSpan Duration(string flag, string text) =>
        Value.Duration(flag, text, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
}
