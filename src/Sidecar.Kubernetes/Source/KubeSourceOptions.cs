namespace Sidecar.Kubernetes.Source;

/// <summary>
/// Where and how the Kubernetes source watches (<c>--kubeconfig</c>, <c>--kube-namespaces</c>). The timings are not
/// flags: they follow client-go's informer practice and tests shorten them.
/// </summary>
internal sealed record KubeSourceOptions
{
    /// <summary>A kubeconfig file; null: the pod's service account (in-cluster config).</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Namespaces to watch; empty: all. Nodes are cluster-scoped and always watched cluster-wide.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Every watch relists this often, which repairs anything a watch missed.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Events arriving within this window are applied to the replica as one batch.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>First reconnect delay; doubles per failure up to <see cref="MaxBackoff"/>, each with ±50 % jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Items per list page (<c>limit</c>; the rest follows with <c>continue</c> tokens).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Timeout of one list page request (watches are long-lived and not bounded by it).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
