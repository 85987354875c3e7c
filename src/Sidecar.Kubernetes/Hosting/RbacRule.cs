namespace Sidecar.Kubernetes.Hosting;

/// <summary>One RBAC rule the code depends on; manifests must grant it and error logs quote it.</summary>
internal sealed record RbacRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs)
{
    /// <summary>What the agents' Kubernetes source reads (spec/kubernetes.md section 1).</summary>
    public static readonly IReadOnlyList<RbacRule> AgentRules =
    [
        new("", "services", ["get", "list", "watch"]),
        new("", "pods", ["get", "list", "watch"]),
        new("", "nodes", ["get", "list", "watch"]),
        new("discovery.k8s.io", "endpointslices", ["get", "list", "watch"]),
    ];

    public override string ToString() =>
        $"{{apiGroups: [\"{ApiGroup}\"], resources: [\"{Resource}\"], verbs: [{string.Join(", ", Verbs.Select(v => $"\"{v}\""))}]}}";
}
