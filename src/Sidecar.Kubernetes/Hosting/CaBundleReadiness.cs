namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// <c>/readyz</c>: false until the webhook configuration's caBundle trusts the certificate this replica serves (the
/// API server would fail every call before that, and with failurePolicy Ignore pods would silently go uninjected).
/// Ready at once with a mounted certificate (its caBundle is the installer's job) and outside a cluster.
/// </summary>
internal sealed class CaBundleReadiness(bool ready)
{
    private volatile bool _ready = ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
