using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>Loads the mounted PEM pair, or generates a self-signed CA and a serving certificate for the injector's Service.</summary>
internal static class WebhookCertificateFactory
{
    public static WebhookCertificate Create(InjectorOptions options, TimeProvider timeProvider)
    {
        if (!string.IsNullOrEmpty(options.TlsCertPath) && !string.IsNullOrEmpty(options.TlsKeyPath))
        {
            return new WebhookCertificate(X509Certificate2.CreateFromPemFile(options.TlsCertPath, options.TlsKeyPath), null);
        }

        return CreateSelfSigned(options.ServiceName, options.Namespace, timeProvider);
    }

    /// <summary>
    /// The mounted pair; else, in a cluster with <see cref="InjectorOptions.TlsSecretName"/>, the pair shared through that
    /// Secret (created by the first replica); else a self-signed pair for this process.
    /// </summary>
    /// <returns>The certificate and where it came from, for the start-up log line.</returns>
    public static async Task<(WebhookCertificate Certificate, string Source)> CreateAsync(
        InjectorOptions options, k8s.IKubernetes? client, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.TlsCertPath) || client is null || string.IsNullOrEmpty(options.TlsSecretName))
        {
            var certificate = Create(options, timeProvider);
            return (certificate, certificate.GeneratedCaPem is null ? "mounted" : "self-signed");
        }

        var store = new CertificateSecretStore(client, options.Namespace, options.TlsSecretName);
        var (shared, created) = await store.LoadOrCreateAsync(() => CreateSelfSigned(options.ServiceName, options.Namespace, timeProvider), cancellationToken);
        return (shared, $"{(created ? "self-signed, stored in" : "shared, from")} Secret {options.Namespace}/{options.TlsSecretName}");
    }

    /// <summary>A CA valid for 10 years and a leaf for <c>service</c>, <c>service.ns</c>, <c>service.ns.svc(.cluster.local)</c>, localhost.</summary>
    public static WebhookCertificate CreateSelfSigned(string serviceName, string @namespace, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=sidecar-injector-ca.{@namespace}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var host = $"{serviceName}.{@namespace}.svc";
        var leafRequest = new CertificateRequest($"CN={host}", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in new[] { serviceName, $"{serviceName}.{@namespace}", host, host + ".cluster.local", "localhost" })
        {
            names.AddDnsName(dns);
        }

        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var leaf = leafRequest.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        var server = leaf.CopyWithPrivateKey(leafKey);
        return new WebhookCertificate(server, ca.ExportCertificatePem())
        {
            CertificatePem = leaf.ExportCertificatePem(),
            KeyPem = leafKey.ExportPkcs8PrivateKeyPem(),
        };
    }
}
