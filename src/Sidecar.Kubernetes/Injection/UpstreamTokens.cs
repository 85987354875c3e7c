namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// The token env vars the agent reads for the upstreams the cluster settings name (<c>SIDECAR_UPSTREAM_TOKEN_&lt;NAME&gt;</c>
/// per <c>SIDECAR_CLUSTERS</c> entry, <c>SIDECAR_REGISTRY_UPSTREAM_TOKEN</c>); the injector references each from a Secret.
/// </summary>
internal static class UpstreamTokens
{
    public static IEnumerable<string> EnvNames(IReadOnlyDictionary<string, string> settings)
    {
        if (settings.TryGetValue("SIDECAR_CLUSTERS", out var clusters))
        {
            // "name=url[,url],name2=url": a name is what precedes '=' in an entry that is not a bare URL.
            foreach (var entry in clusters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                var scheme = entry.IndexOf("://", StringComparison.Ordinal);
                if (eq > 0 && (scheme < 0 || eq < scheme))
                {
                    yield return "SIDECAR_UPSTREAM_TOKEN_" + entry[..eq].Trim().Replace('-', '_').ToUpperInvariant();
                }
            }
        }

        if (settings.TryGetValue("SIDECAR_REGISTRY_UPSTREAM", out var home) && !string.IsNullOrWhiteSpace(home))
        {
            yield return "SIDECAR_REGISTRY_UPSTREAM_TOKEN";
        }
    }
}
