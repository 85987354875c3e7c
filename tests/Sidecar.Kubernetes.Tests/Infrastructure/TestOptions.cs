using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

internal static class TestOptions
{
    /// <summary>Options as the manifests configure them: a pinned image and the cluster ConfigMap's settings.</summary>
    public static InjectorOptions Injector(bool nativeSidecar = true) => new()
    {
        Image = "registry.example/servicecomb/sidecar:0.1.0",
        NativeSidecar = nativeSidecar,
        ClusterSettings = new Dictionary<string, string>
        {
            ["SIDECAR_CLUSTER_NAME"] = "cluster1",
            ["SIDECAR_JOIN"] = "sidecar-peers.sidecar-system.svc.cluster.local:7946",
        },
    };
}
