using System.Text.RegularExpressions;
using Sidecar.Kubernetes.Source;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Parses the Kubernetes source's flags, read only with <c>--aggregate k8s</c>: <c>--kubeconfig PATH</c> (env
/// <c>SIDECAR_KUBECONFIG</c>, or Service-Center's <c>KUBERNETES_CONFIG_PATH</c>; in-cluster config when unset) and
/// <c>--kube-namespaces a,b</c> (Service-Center's <c>KUBERNETES_NAMESPACE</c>; all namespaces when unset).
/// </summary>
internal static partial class KubernetesFlags
{
    public static AgentOptions Apply(AgentOptions options, Func<string, string?> get, Func<string, string?> environment)
    {
        if (!options.Aggregate.Contains("k8s"))
        {
            return options;
        }

        var path = get("kubeconfig") ?? environment("KUBERNETES_CONFIG_PATH");
        if (path is not null && !File.Exists(path))
        {
            throw new OptionException($"--kubeconfig '{path}' is not a readable file (unset it to use the pod's service account)");
        }

        var namespaces = (get("kube-namespaces") ?? environment("KUBERNETES_NAMESPACE") ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var ns in namespaces)
        {
            if (!NamespaceName().IsMatch(ns))
            {
                throw new OptionException($"--kube-namespaces: '{ns}' is not a namespace name (lowercase letters, digits and '-', at most 63)");
            }
        }

        return options with { Kubernetes = new KubeSourceOptions { KubeconfigPath = path, Namespaces = namespaces } };
    }

    /// <summary>An RFC 1123 label, as Kubernetes requires of namespace names.</summary>
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NamespaceName();
}
