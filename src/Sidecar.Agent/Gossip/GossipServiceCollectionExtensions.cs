using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecar.Agent.Gossip;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Sources;
using Sidecar.Replication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers gossip: the owners of upstream sources always, the gossip agent when <see cref="AgentOptions.Gossip"/> is set.</summary>
internal static class GossipServiceCollectionExtensions
{
    public static IServiceCollection AddSidecarGossip(this IServiceCollection services, AgentOptions options)
    {
        services.TryAddSingleton(sp => new GossipOwnership(sp.GetRequiredService<Replica>().NodeName));
        if (options.Gossip is { } gossip && !services.Any(s => s.ServiceType == typeof(GossipAgent)))
        {
            services.AddSingleton(sp => new GossipAgent(
                gossip,
                sp.GetRequiredService<Replica>(),
                sp.GetRequiredService<AgentHost.Storage>().Identity.Incarnation,
                options.TombstoneRetention,
                sp.GetRequiredService<GossipOwnership>(),
                sp.GetRequiredService<SourceTracker>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(),
                memberStore: sp.GetRequiredService<AgentHost.Storage>().Store));
            // With gossip, only the K owners picked over the live members pull each upstream (replaces AlwaysOwner).
            services.AddSingleton<Sidecar.Agent.Upstreams.IUpstreamOwnership>(sp => sp.GetRequiredService<GossipOwnership>());
            services.AddMetrics();
            services.TryAddSingleton<GossipInstruments>();
            services.AddHostedService<GossipHostedService>();
        }

        return services;
    }
}
