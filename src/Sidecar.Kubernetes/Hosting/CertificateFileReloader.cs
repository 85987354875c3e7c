using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>
/// Re-reads the mounted <c>--tls-cert</c>/<c>--tls-key</c> files every <see cref="InjectorOptions.CertificateReloadInterval"/>
/// and serves a changed pair without a restart (cert-manager renews into the mounted Secret; kubelet swaps the files).
/// Polling, not file events: a Secret volume update is a symlink swap that file watchers miss. A pair that does not
/// load (half-written, key not matching) is logged and the previous certificate kept.
/// </summary>
internal sealed partial class CertificateFileReloader(
    InjectorOptions options,
    ServingCertificate serving,
    TimeProvider timeProvider,
    ILogger<CertificateFileReloader> logger) : BackgroundService
{
    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.TlsCertPath is not { Length: > 0 } certPath || options.TlsKeyPath is not { Length: > 0 } keyPath)
        {
            return;
        }

        var last = Read(certPath, keyPath);
        using var timer = new PeriodicTimer(options.CertificateReloadInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var current = Read(certPath, keyPath);
                if (current is null || last is not null && current.Value.Cert.AsSpan().SequenceEqual(last.Value.Cert) && current.Value.Key.AsSpan().SequenceEqual(last.Value.Key))
                {
                    continue;
                }

                try
                {
                    var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(current.Value.Cert), System.Text.Encoding.UTF8.GetString(current.Value.Key));
                    serving.Replace(certificate);
                    last = current;
                    Log.CertificateReloaded(_logger, certPath, certificate.Subject, certificate.NotAfter);
                }
                catch (CryptographicException ex)
                {
                    Log.CertificateReloadFailed(_logger, ex, certPath, keyPath);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static (byte[] Cert, byte[] Key)? Read(string certPath, string keyPath)
    {
        try
        {
            return (File.ReadAllBytes(certPath), File.ReadAllBytes(keyPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.CertificateReloaded, LogLevel.Information, "Serving the renewed certificate from {CertPath} ({Subject}, valid until {NotAfter:u})", EventName = "CertificateReloaded")]
        public static partial void CertificateReloaded(ILogger logger, string certPath, string subject, DateTime notAfter);

        [LoggerMessage(Diagnostics.EventIds.CertificateReloadFailed, LogLevel.Warning, "The changed files {CertPath} / {KeyPath} do not load as a PEM certificate and matching key; still serving the previous certificate. Check the mounted Secret (tls.crt, tls.key)", EventName = "CertificateReloadFailed")]
        public static partial void CertificateReloadFailed(ILogger logger, Exception exception, string certPath, string keyPath);
    }
}
