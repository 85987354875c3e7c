using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecar.Cli;
using Sidecar.Kubernetes.Diagnostics;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Webhook;

namespace Microsoft.Extensions.DependencyInjection;

internal static class InjectorServiceCollectionExtensions
{
    /// <summary>Registers the webhook's services; idempotent (TryAdd).</summary>
    public static IServiceCollection AddSidecarInjector(this IServiceCollection services, InjectorOptions options, WebhookCertificate certificate)
    {
        services.AddInjectorTelemetry();
        services.TryAddSingleton(TimeProvider.System);
        // As IOptions<InjectorOptions> too, validated at start (the commands validate earlier, before any certificate).
        services.AddGivenSettings<InjectorOptions, InjectorOptionsValidator>(options);
        services.TryAddSingleton(certificate);
        services.TryAddSingleton<InClusterClientFactory>(InClusterClient.Create);
        services.TryAddSingleton(sp => new CaBundleReadiness(ready: certificate.GeneratedCaPem is null || IsOutsideCluster(sp.GetRequiredService<InClusterClientFactory>())));
        services.TryAddSingleton(sp => new ServingCertificate(certificate.ServerCertificate));
        services.TryAddSingleton(sp => new PodMutator(sp.GetRequiredService<InjectorOptions>()));
        services.TryAddSingleton<InjectorInstruments>();
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("ca-bundle",
            sp => new CaBundleHealthCheck(sp.GetRequiredService<CaBundleReadiness>()), null, ["ready"]));
        services.TryAddSingleton<AdmissionReviewHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CaBundleHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CertificateFileReloader>());
        return services;
    }

    /// <summary>No API server, so no caBundle to wait for (the hosted service logs that it skipped the patch).</summary>
    private static bool IsOutsideCluster(InClusterClientFactory factory)
    {
        using var client = factory();
        return client is null;
    }
}
