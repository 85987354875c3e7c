using System.Text.RegularExpressions;
using Sidecar.Cli;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Cli;

/// <summary>The flags shared by <c>sidecar injector</c> and <c>sidecar inject</c>, mapped onto <see cref="InjectorOptions"/>.</summary>
internal static partial class InjectorFlags
{
    /// <summary>What is injected: flags of both <c>sidecar injector</c> and <c>sidecar inject</c>.</summary>
    public static readonly Flag[] MutationFlags =
    [
        new("image", "Sidecar image injected into pods", SidecarDefaults.Image, "image"),
        new("image-pull-policy", "Pull policy of the sidecar container: Always, IfNotPresent or Never", SidecarDefaults.ImagePullPolicy, "policy"),
        new("native-sidecar", "true: an init container with restartPolicy Always (Kubernetes >= 1.29); false: a regular container", "true", "true|false"),
        new("cpu-request", "CPU request of the sidecar container", SidecarDefaults.CpuRequest, "quantity"),
        new("memory-request", "Memory request of the sidecar container", SidecarDefaults.MemoryRequest, "quantity"),
        new("memory-limit", "Memory limit of the sidecar container", SidecarDefaults.MemoryLimit, "quantity"),
        new("gossip-key-secret", "Secret (in the pod's namespace) holding the gossip key; empty for none", SidecarDefaults.GossipKeySecretName, "name"),
        new("upstream-secret", "Secret (in the pod's namespace) whose keys SIDECAR_UPSTREAM_TOKEN_<NAME> hold upstream tokens (optional); empty for none", SidecarDefaults.UpstreamSecretName, "name"),
        new("data-size-limit", "sizeLimit of the sidecar's data emptyDir (the replica)", SidecarDefaults.DataSizeLimit, "quantity"),
        new("cluster-config", "Directory of files named SIDECAR_* (a mounted ConfigMap) whose contents become the sidecar's env", null, "dir"),
    ];

    /// <summary>How the webhook is served: flags of <c>sidecar injector</c> only.</summary>
    public static readonly Flag[] ServingFlags =
    [
        new("listen", "Webhook HTTPS listen address", SidecarDefaults.InjectorListen, "ip:port"),
        new("tls-cert", "PEM certificate of the webhook (with --tls-key); self-signed, CA kept in a Secret, when unset", null, "pem"),
        new("tls-key", "PEM private key of the webhook (with --tls-cert)", null, "pem"),
        new("tls-secret", "Secret (in --namespace) keeping the generated CA and serving certificate for all replicas; empty: a new CA per process", SidecarDefaults.TlsSecretName, "name"),
        new("service-name", "The injector's Service name, used in the generated certificate", SidecarDefaults.InjectorServiceName, "name"),
        new("namespace", "The injector's namespace (else env POD_NAMESPACE)", SidecarDefaults.InjectorNamespace, "name"),
        new("webhook-config", "The MutatingWebhookConfiguration whose caBundle is patched", SidecarDefaults.WebhookConfigurationName, "name"),
        .. LogSettings.Flags,
    ];

    /// <summary>
    /// Keeps an explicitly empty <c>--gossip-key-secret ""</c>, <c>--upstream-secret ""</c> or <c>--tls-secret ""</c>
    /// (empty means "none" for them), which <see cref="Settings"/> would otherwise drop as unset.
    /// </summary>
    public static Dictionary<string, string> WithExplicitNone(IReadOnlyDictionary<string, string> given, Dictionary<string, string> resolved)
    {
        foreach (var name in (string[])["gossip-key-secret", "upstream-secret", "tls-secret"])
        {
            if (given.TryGetValue(name, out var value) && value.Length == 0)
            {
                resolved[name] = "";
            }
        }

        return resolved;
    }

    /// <summary>Builds options from parsed flags; <see langword="null"/> and one line naming the flag when a value is unusable.</summary>
    public static InjectorOptions? ToOptions(Dictionary<string, string> flags, Func<string, string?> environment, out string? error)
    {
        var options = new InjectorOptions();
        var nativeSidecar = options.NativeSidecar;
        if (flags.TryGetValue("native-sidecar", out var native) && !bool.TryParse(native, out nativeSidecar))
        {
            error = $"flag --native-sidecar: '{native}' is not true or false";
            return null;
        }

        var clusterSettings = options.ClusterSettings;
        if (flags.TryGetValue("cluster-config", out var clusterConfig))
        {
            clusterSettings = ReadClusterConfig(clusterConfig, out error)!;
            if (error is not null)
            {
                return null;
            }
        }

        options = options with
        {
            Image = Get(flags, "image") ?? options.Image,
            ImagePullPolicy = Get(flags, "image-pull-policy") ?? options.ImagePullPolicy,
            NativeSidecar = nativeSidecar,
            CpuRequest = Get(flags, "cpu-request") ?? options.CpuRequest,
            MemoryRequest = Get(flags, "memory-request") ?? options.MemoryRequest,
            MemoryLimit = Get(flags, "memory-limit") ?? options.MemoryLimit,
            GossipKeySecretName = flags.TryGetValue("gossip-key-secret", out var secret) ? secret : options.GossipKeySecretName,
            UpstreamSecretName = flags.TryGetValue("upstream-secret", out var upstreamSecret) ? upstreamSecret : options.UpstreamSecretName,
            DataSizeLimit = Get(flags, "data-size-limit") ?? options.DataSizeLimit,
            ClusterSettings = clusterSettings,
            Listen = Get(flags, "listen") ?? options.Listen,
            TlsCertPath = Get(flags, "tls-cert"),
            TlsKeyPath = Get(flags, "tls-key"),
            TlsSecretName = flags.TryGetValue("tls-secret", out var tlsSecret) ? tlsSecret.Trim() : options.TlsSecretName,
            ServiceName = Get(flags, "service-name") ?? options.ServiceName,
            Namespace = Get(flags, "namespace") ?? NullIfEmpty(environment("POD_NAMESPACE")) ?? options.Namespace,
            WebhookConfigurationName = Get(flags, "webhook-config") ?? options.WebhookConfigurationName,
        };

        var failure = new InjectorOptionsValidator().Validate(null, options);
        error = failure.Failed ? failure.FailureMessage : null;
        return failure.Failed ? null : options;
    }

    /// <summary>
    /// Reads a mounted ConfigMap directory: every file named like an env var <c>SIDECAR_*</c> becomes one, so the
    /// cluster settings reach pods in every namespace without copying the ConfigMap there.
    /// </summary>
    private static Dictionary<string, string>? ReadClusterConfig(string directory, out string? error)
    {
        if (!Directory.Exists(directory))
        {
            error = $"flag --cluster-config: directory '{directory}' does not exist";
            return null;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            var value = EnvName().IsMatch(name) ? File.ReadAllText(file).Trim() : "";
            if (value.Length > 0)
            {
                settings[name] = value;
            }
        }

        error = null;
        return settings;
    }

    private static string? Get(Dictionary<string, string> flags, string name) =>
        flags.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [GeneratedRegex("^SIDECAR_[A-Z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
