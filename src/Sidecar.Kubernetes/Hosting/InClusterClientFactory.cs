using k8s;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>Creates an API client from the pod's service account, or <see langword="null"/> outside a cluster.</summary>
internal delegate IKubernetes? InClusterClientFactory();

internal static class InClusterClient
{
    public static IKubernetes? Create() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
            ? null
            : new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
}
