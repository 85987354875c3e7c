using Microsoft.Extensions.Options;

namespace Sidecar.Kubernetes.Injection;

/// <summary>Cross-field checks of <see cref="InjectorOptions"/>; each message names the flag to fix.</summary>
internal sealed class InjectorOptionsValidator : IValidateOptions<InjectorOptions>
{
    private static readonly string[] s_pullPolicies = ["Always", "IfNotPresent", "Never"];

    public ValidateOptionsResult Validate(string? name, InjectorOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Image))
        {
            return ValidateOptionsResult.Fail("flag --image (SIDECAR_IMAGE) must not be empty");
        }

        if (!s_pullPolicies.Contains(options.ImagePullPolicy, StringComparer.Ordinal))
        {
            return ValidateOptionsResult.Fail($"flag --image-pull-policy: '{options.ImagePullPolicy}' is not one of {string.Join(", ", s_pullPolicies)}");
        }

        (string Flag, string Value)[] quantities =
        [
            ("cpu-request", options.CpuRequest), ("memory-request", options.MemoryRequest), ("memory-limit", options.MemoryLimit),
            ("data-size-limit", options.DataSizeLimit),
        ];
        foreach (var (flag, value) in quantities)
        {
            if (!ResourceQuantityFormat.IsValid(value))
            {
                return ValidateOptionsResult.Fail($"flag --{flag}: '{value}' is not a resource quantity (e.g. 100m, 64Mi)");
            }
        }

        if (ClusterSettingsPolicy.Check(options.ClusterSettings) is { } refused)
        {
            return ValidateOptionsResult.Fail($"flag --cluster-config: {refused}");
        }

        if (Sidecar.Cli.SettingValue.Endpoint("listen", options.Listen, out _, "0.0.0.0:8443") is { } listenError)
        {
            return ValidateOptionsResult.Fail("flag " + listenError);
        }

        if (string.IsNullOrEmpty(options.TlsCertPath) != string.IsNullOrEmpty(options.TlsKeyPath))
        {
            return ValidateOptionsResult.Fail("flags --tls-cert and --tls-key must be given together (or neither, for a self-signed certificate)");
        }

        foreach (var (flag, path) in new[] { ("tls-cert", options.TlsCertPath), ("tls-key", options.TlsKeyPath) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                return ValidateOptionsResult.Fail($"flag --{flag}: file '{path}' does not exist");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
