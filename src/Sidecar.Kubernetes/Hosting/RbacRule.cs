namespace Sidecar.Kubernetes.Hosting;

/// <summary>One RBAC rule the code depends on; manifests must grant it and error logs quote it.</summary>
internal sealed record RbacRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs)
{
    /// <summary>What the agents' Kubernetes source reads (spec/kubernetes.md section 1): list and watch of its four kinds.</summary>
    public static readonly IReadOnlyList<RbacRule> AgentRules = [.. Source.KubeResource.All.Select(r => r.Rule)];

    public override string ToString() =>
        $"{{apiGroups: [\"{ApiGroup}\"], resources: [\"{Resource}\"], verbs: [{string.Join(", ", Verbs.Select(v => $"\"{v}\""))}]}}";
}
