using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// Keeps the injector's CA and serving certificate in one Secret (<c>--tls-secret</c>, type kubernetes.io/tls plus
/// <c>ca.crt</c>): the first replica to start creates it, every other replica and every restart reuses it, so all
/// replicas serve a certificate the one caBundle trusts. Two replicas racing both generate; the API server accepts one
/// create (409 for the other), and the loser serves the winner's pair.
/// </summary>
internal sealed class CertificateSecretStore(IKubernetes client, string @namespace, string secretName)
{
    public const string CaKey = "ca.crt";

    /// <summary>The RBAC rule this class needs in the injector's namespace (create cannot be limited by resourceNames).</summary>
    public static readonly RbacRule RequiredRule = new("", "secrets", ["get", "create"]);

    private readonly IKubernetes _client = client;

    /// <returns>The certificate and whether this call created the Secret.</returns>
    public async Task<(WebhookCertificate Certificate, bool Created)> LoadOrCreateAsync(Func<WebhookCertificate> generate, CancellationToken cancellationToken)
    {
        if (await TryReadAsync(cancellationToken) is { } existing)
        {
            return (existing, false);
        }

        var generated = generate();
        try
        {
            await _client.CoreV1.CreateNamespacedSecretAsync(ToSecret(generated), @namespace, cancellationToken: cancellationToken);
            return (generated, true);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            generated.ServerCertificate.Dispose();
            return (await TryReadAsync(cancellationToken) ?? throw new InvalidDataException($"Secret {@namespace}/{secretName} was created by another replica but cannot be read back"), false);
        }
    }

    private async Task<WebhookCertificate?> TryReadAsync(CancellationToken cancellationToken)
    {
        V1Secret secret;
        try
        {
            secret = await _client.CoreV1.ReadNamespacedSecretAsync(secretName, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        string Field(string key) => secret.Data is not null && secret.Data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 }
            ? Encoding.UTF8.GetString(bytes)
            : throw new InvalidDataException($"Secret {@namespace}/{secretName} has no '{key}'; delete it and the injector makes a new one");

        var (certPem, keyPem, caPem) = (Field("tls.crt"), Field("tls.key"), Field(CaKey));
        return new WebhookCertificate(X509Certificate2.CreateFromPem(certPem, keyPem), caPem) { CertificatePem = certPem, KeyPem = keyPem };
    }

    private V1Secret ToSecret(WebhookCertificate certificate) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta
        {
            Name = secretName,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "sidecar" },
        },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(certificate.CertificatePem!),
            ["tls.key"] = Encoding.UTF8.GetBytes(certificate.KeyPem!),
            [CaKey] = Encoding.UTF8.GetBytes(certificate.GeneratedCaPem!),
        },
    };
}
