namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// What the cluster ConfigMap (<c>--cluster-config</c>) may hold. Its values are copied as literals into every pod
/// spec, readable by anyone who can read pods, so secrets are refused (they belong in a Secret the pod references),
/// and settings the injector sets per pod are refused rather than silently overridden.
/// </summary>
internal static class ClusterSettingsPolicy
{
    /// <summary>Name parts that mark a secret: a ConfigMap holding one is refused.</summary>
    private static readonly string[] s_secretMarkers = ["KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL"];

    /// <summary>Set per pod by the injector (flags win over env, so a ConfigMap value would be ignored).</summary>
    private static readonly HashSet<string> s_injectorOwned = new(StringComparer.Ordinal)
    {
        "SIDECAR_LISTEN", "SIDECAR_HEALTH_LISTEN", "SIDECAR_DATA_DIR", "SIDECAR_NODE_NAME",
        "SIDECAR_GOSSIP_BIND", "SIDECAR_GOSSIP_ADVERTISE", "SIDECAR_GOSSIP_KEY_FILE",
    };

    /// <summary>Settings read by the injector itself rather than copied as env (<c>SIDECAR_JOIN</c> becomes <c>--join</c>).</summary>
    public const string JoinSetting = "SIDECAR_JOIN";

    /// <returns>Why the settings are refused (one line saying what to do), or <see langword="null"/>.</returns>
    public static string? Check(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (name, value) in settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var parts = name.Split('_');
            if (parts.Any(p => s_secretMarkers.Contains(p, StringComparer.Ordinal)) && !s_injectorOwned.Contains(name))
            {
                return $"cluster config key {name} holds a secret: a ConfigMap is copied as a literal into every pod spec; delete it and put it into a Secret instead ({SecretAdvice(name)})";
            }

            if (s_injectorOwned.Contains(name))
            {
                return $"cluster config key {name} is set per pod by the injector; delete it from the ConfigMap";
            }

            if (name is "SIDECAR_CLUSTERS" or "SIDECAR_REGISTRY_UPSTREAM" && HasUserInfo(value))
            {
                return $"cluster config key {name} has credentials in a URL (user:password@): delete them and put the token into the Secret {SidecarDefaults.UpstreamSecretName} (keys SIDECAR_UPSTREAM_TOKEN_<NAME>, SIDECAR_REGISTRY_UPSTREAM_TOKEN)";
            }
        }

        return null;
    }

    private static string SecretAdvice(string name) => name switch
    {
        "SIDECAR_GOSSIP_KEY" => $"the Secret {SidecarDefaults.GossipKeySecretName}, key {SidecarDefaults.GossipKeySecretKey}, in each app namespace: manifests/app-namespace/gossip-secret.yaml",
        _ when name.StartsWith("SIDECAR_UPSTREAM_TOKEN_", StringComparison.Ordinal) || name == "SIDECAR_REGISTRY_UPSTREAM_TOKEN" =>
            $"the Secret {SidecarDefaults.UpstreamSecretName}, key {name}, in each app namespace: manifests/app-namespace/upstream-secret.yaml",
        _ => "and reference it from the pod",
    };

    private static bool HasUserInfo(string value) =>
        value.Split([',', '='], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(part => Uri.TryCreate(part, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo));
}
