namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// Whether the injector may be sent admission reviews: in a cluster with a generated CA, the API server trusts the
/// webhook only once <see cref="CaBundleHostedService"/> has published the CA, so <c>/readyz</c> waits for it. With a
/// mounted certificate (the installer's caBundle) or outside a cluster it is ready from the start.
/// </summary>
internal sealed class CaBundleReadiness(WebhookCertificate certificate)
{
    private volatile string? _notReady = certificate.GeneratedCaPem is null ? null : "the caBundle of the webhook configuration is not patched yet";

    /// <summary>Why the injector is not ready; null when it is.</summary>
    public string? NotReady => _notReady;

    public void MarkReady() => _notReady = null;
}
