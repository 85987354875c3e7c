using k8s.Models;

namespace Sidecar.Kubernetes.Injection;

/// <summary>The result of <see cref="PodMutator.Mutate"/>: the new pod, or why there is none.</summary>
internal sealed record PodMutationResult(PodMutationOutcome Outcome, V1Pod? Pod, string Reason)
{
    public static PodMutationResult Skipped(string reason) => new(PodMutationOutcome.Skipped, null, reason);

    public static PodMutationResult Rejected(string reason) => new(PodMutationOutcome.Rejected, null, reason);

    public static PodMutationResult Injected(V1Pod pod) => new(PodMutationOutcome.Injected, pod, "injected");
}
