namespace Sidecar.Kubernetes.Injection;

internal enum PodMutationOutcome
{
    /// <summary>The sidecar was added.</summary>
    Injected,

    /// <summary>Nothing to do: not annotated, already injected or a protected namespace.</summary>
    Skipped,

    /// <summary>Annotated, but an annotation value is invalid; the pod is refused with the reason.</summary>
    Rejected,
}
