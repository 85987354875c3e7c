using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Upstreams;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the upstream syncers, the home mirror and their resilience pipelines.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    public static IServiceCollection AddSidecarUpstreams(this IServiceCollection services, AgentOptions options)
    {
        if (options.Clusters.Count == 0 && options.RegistryUpstream is null)
        {
            return services;
        }

        services.TryAddSingleton<IUpstreamOwnership, AlwaysOwner>();
        foreach (var endpoint in options.Clusters)
        {
            services.AddResiliencePipeline(SidecarPipelines.Upstream(endpoint.Name), (builder, _) => SidecarPipelines.ConfigureUpstream(builder, options.UpstreamTimeout));
        }

        if (options.RegistryUpstream is not null)
        {
            services.AddResiliencePipeline(SidecarPipelines.HomeUpstream, (builder, _) => SidecarPipelines.ConfigureUpstream(builder, options.UpstreamTimeout));
        }

        if (services.Any(d => d.ServiceType == typeof(UpstreamSet)))
        {
            return services;
        }

        services.AddSingleton<UpstreamSet>();
        services.AddHostedService<UpstreamHostedService>();
        return services;
    }
}
