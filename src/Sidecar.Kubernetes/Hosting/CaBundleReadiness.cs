namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// <c>/readyz</c> (through <see cref="CaBundleHealthCheck"/>): not ready until every webhook of the webhook
/// configuration has a caBundle equal to the CA this replica serves under (the API server would fail every call before
/// that, and with failurePolicy Ignore pods would silently go uninjected). Ready at once with a mounted certificate
/// (its caBundle is the installer's job) and outside a cluster.
/// </summary>
internal sealed class CaBundleReadiness(bool ready)
{
    /// <value>The reason <c>/readyz</c> gives while not ready.</value>
    public const string WaitingReason = "the caBundle of the webhook configuration does not hold this replica's CA yet";

    private volatile string? _notReady = ready ? null : WaitingReason;

    /// <summary>Why the injector is not ready; null when it is.</summary>
    public string? NotReady => _notReady;

    public bool IsReady => _notReady is null;

    public void MarkReady() => _notReady = null;
}
