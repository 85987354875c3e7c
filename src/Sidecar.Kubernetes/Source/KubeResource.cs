using Sidecar.Kubernetes.Hosting;

namespace Sidecar.Kubernetes.Source;

/// <summary>One kind the source lists and watches, with its API path and the RBAC rule that allows it.</summary>
internal sealed record KubeResource(string Resource, string ApiGroup, string Kind, bool Namespaced)
{
    public static readonly KubeResource Services = new("services", "", "Service", true);
    public static readonly KubeResource EndpointSlices = new("endpointslices", "discovery.k8s.io", "EndpointSlice", true);
    public static readonly KubeResource Pods = new("pods", "", "Pod", true);
    public static readonly KubeResource Nodes = new("nodes", "", "Node", false);

    public static readonly IReadOnlyList<KubeResource> All = [Services, EndpointSlices, Pods, Nodes];

    /// <summary>The collection path, across all namespaces or in one.</summary>
    public string Path(string? ns) =>
        (ApiGroup.Length == 0 ? "/api/v1" : $"/apis/{ApiGroup}/v1")
        + (Namespaced && ns is not null ? $"/namespaces/{Uri.EscapeDataString(ns)}/" : "/")
        + Resource;

    /// <summary>The rule that grants what the watcher does on this kind (quoted when the API server answers 403).</summary>
    public RbacRule Rule => new(ApiGroup, Resource, ["list", "watch"]);
}
