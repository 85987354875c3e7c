using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.KubeSource;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Upstreams;
using Sidecar.Replication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kubernetes source when <c>--aggregate</c> names <c>k8s</c>.</summary>
internal static class KubernetesServiceCollectionExtensions
{
    public static IServiceCollection AddSidecarKubernetesSource(this IServiceCollection services, AgentOptions options)
    {
        if (options.Kubernetes is not { } kubernetes || services.Any(d => d.ServiceType == typeof(KubernetesSource)))
        {
            return services;
        }

        services.TryAddSingleton<IUpstreamOwnership, AlwaysOwner>();
        services.AddSingleton(sp => new KubernetesSource(kubernetes, options.ClusterName, sp.GetRequiredService<Replica>(), sp.GetRequiredService<SourceTracker>(),
            sp.GetRequiredService<IUpstreamOwnership>(), sp.GetRequiredService<TimeProvider>(), options.SyncInterval, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<KubernetesHostedService>();
        return services;
    }
}
