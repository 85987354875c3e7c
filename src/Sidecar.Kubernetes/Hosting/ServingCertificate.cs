using System.Security.Cryptography.X509Certificates;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>The certificate Kestrel presents, read per TLS handshake, so a reloaded pair applies without a restart.</summary>
internal sealed class ServingCertificate(X509Certificate2 initial)
{
    private volatile X509Certificate2 _current = initial;

    public X509Certificate2 Current => _current;

    /// <summary>The previous certificate is not disposed: a handshake in flight may still use it.</summary>
    public void Replace(X509Certificate2 certificate) => _current = certificate;
}
