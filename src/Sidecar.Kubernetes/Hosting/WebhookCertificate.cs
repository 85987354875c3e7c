using System.Security.Cryptography.X509Certificates;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// The serving certificate and, when the injector made it (itself or through the shared Secret), the CA bundle (PEM)
/// that trusts it and the leaf as PEM (what the Secret stores).
/// </summary>
internal sealed record WebhookCertificate(X509Certificate2 ServerCertificate, string? GeneratedCaPem)
{
    public string? CertificatePem { get; init; }

    public string? KeyPem { get; init; }
}
