using System.Text.RegularExpressions;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Cli;

/// <summary>The flags shared by <c>sidecar injector</c> and <c>sidecar inject</c>, mapped onto <see cref="InjectorOptions"/>.</summary>
internal static partial class InjectorFlags
{
    public static readonly string[] MutationFlags =
    [
        "image", "image-pull-policy", "native-sidecar", "cpu-request", "memory-request", "memory-limit",
        "gossip-key-secret", "upstream-secret", "data-size-limit", "cluster-config",
    ];

    public static readonly string[] ServingFlags = ["listen", "tls-cert", "tls-key", "tls-secret", "service-name", "namespace", "webhook-config"];

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
