using System.Security.Cryptography.X509Certificates;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>The serving certificate and, when the injector made it itself, the CA bundle (PEM) that trusts it.</summary>
internal sealed record WebhookCertificate(X509Certificate2 ServerCertificate, string? GeneratedCaPem);
