using System.Globalization;
using k8s.Models;

namespace Sidecar.Kubernetes.Injection;

/// <summary>Resolves the app identity of a pod following the defaults table of spec/kubernetes.md section 2.</summary>
internal static class PodIdentityResolver
{
    public static PodIdentity? Resolve(V1Pod pod, PodMutationContext context, out string? error)
    {
        var annotations = pod.Metadata?.Annotations ?? new Dictionary<string, string>();
        var labels = pod.Metadata?.Labels ?? new Dictionary<string, string>();

        int? appPort = null;
        if (Get(annotations, SidecarAnnotations.AppPort) is { } portText)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                error = $"annotation {SidecarAnnotations.AppPort}=\"{portText}\" is not a port number (1-65535)";
                return null;
            }

            appPort = port;
        }

        var protocol = Get(annotations, SidecarAnnotations.AppProtocol) ?? SidecarDefaults.AppProtocol;
        if (!SidecarDefaults.AppProtocols.Contains(protocol, StringComparer.Ordinal))
        {
            error = $"annotation {SidecarAnnotations.AppProtocol}=\"{protocol}\" must be one of {string.Join(", ", SidecarDefaults.AppProtocols)}";
            return null;
        }

        // Checked with the agent's own parser, so a pod cannot be admitted with a value its agent would refuse.
        var logLevel = Get(annotations, SidecarAnnotations.LogLevel);
        var logFormat = Get(annotations, SidecarAnnotations.LogFormat);
        var logError = (logLevel is null ? null : Sidecar.Cli.LogSettings.LevelError(SidecarAnnotations.LogLevel, logLevel, out _))
            ?? (logFormat is null ? null : Sidecar.Cli.LogSettings.FormatError(SidecarAnnotations.LogFormat, logFormat));
        if (logError is not null)
        {
            error = "annotation " + logError[2..];
            return null;
        }

        var serviceName = Get(annotations, SidecarAnnotations.ServiceName)
            ?? Get(labels, SidecarAnnotations.AppNameLabel)
            ?? OwnerName(pod, context, labels)
            ?? GenerateNameStem(pod.Metadata?.GenerateName, labels)
            ?? NullIfEmpty(pod.Metadata?.Name);
        if (serviceName is null)
        {
            error = $"cannot determine the service name: set annotation {SidecarAnnotations.ServiceName}";
            return null;
        }

        var appId = Get(annotations, SidecarAnnotations.AppId)
            ?? NullIfEmpty(context.Namespace)
            ?? NullIfEmpty(pod.Metadata?.NamespaceProperty)
            ?? "default";

        error = null;
        return new PodIdentity
        {
            AppId = appId,
            ServiceName = serviceName,
            Version = Get(annotations, SidecarAnnotations.Version) ?? Get(labels, SidecarAnnotations.AppVersionLabel) ?? SidecarDefaults.Version,
            Environment = Get(annotations, SidecarAnnotations.Environment) ?? "",
            AppPort = appPort,
            AppProtocol = protocol,
            LogLevel = logLevel?.ToLowerInvariant(),
            LogFormat = logFormat?.ToLowerInvariant(),
        };
    }

    private static string? OwnerName(V1Pod pod, PodMutationContext context, IDictionary<string, string> labels)
    {
        if (NullIfEmpty(context.OwnerName) is { } ownerName)
        {
            return ownerName;
        }

        var owners = pod.Metadata?.OwnerReferences;
        var owner = owners?.FirstOrDefault(o => o.Controller == true) ?? owners?.FirstOrDefault();
        return owner is null ? null : StripTemplateHash(owner.Name, labels);
    }

    private static string? GenerateNameStem(string? generateName, IDictionary<string, string> labels)
    {
        var stem = generateName?.TrimEnd('-');
        return string.IsNullOrEmpty(stem) ? null : StripTemplateHash(stem, labels);
    }

    /// <summary>A Deployment's pods are owned by <c>name-&lt;pod-template-hash&gt;</c>; the service is <c>name</c>.</summary>
    private static string StripTemplateHash(string name, IDictionary<string, string> labels)
    {
        if (labels.TryGetValue(SidecarAnnotations.PodTemplateHashLabel, out var hash) && !string.IsNullOrEmpty(hash)
            && name.EndsWith("-" + hash, StringComparison.Ordinal))
        {
            return name[..^(hash.Length + 1)];
        }

        return name;
    }

    private static string? Get(IDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var value) ? NullIfEmpty(value?.Trim()) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
