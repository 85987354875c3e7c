namespace Sidecar.Kubernetes.Injection;

/// <summary>Image and resources of one sidecar: the injector's defaults with the pod's annotation overrides applied.</summary>
internal sealed record SidecarResources(string Image, string CpuRequest, string MemoryRequest, string MemoryLimit);
