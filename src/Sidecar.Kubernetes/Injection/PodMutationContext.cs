namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// What the mutation needs besides the pod: the namespace (an AdmissionRequest carries it even when the pod's
/// metadata does not) and the owning workload's name when known (offline <c>inject</c>).
/// </summary>
internal readonly record struct PodMutationContext(string? Namespace, string? OwnerName = null);
