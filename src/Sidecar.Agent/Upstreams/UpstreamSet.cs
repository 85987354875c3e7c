using Polly.Registry;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Sources;
using Sidecar.Replication;

namespace Sidecar.Agent.Upstreams;

/// <summary>The configured upstreams: one syncer per <c>sc:&lt;name&gt;</c> source and the optional home mirror.</summary>
internal sealed class UpstreamSet : IDisposable
{
    private readonly List<UpstreamClient> _clients = [];

    public UpstreamSet(AgentOptions options, Replica replica, SourceTracker tracker, IUpstreamOwnership ownership,
        ResiliencePipelineProvider<string> pipelines, TimeProvider timeProvider, ILoggerFactory loggers, ISyncCursorStore cursors,
        Diagnostics.RegistryInstruments instruments)
    {
        foreach (var endpoint in options.Clusters)
        {
            var client = new UpstreamClient(endpoint, pipelines.GetPipeline(SidecarPipelines.Upstream(endpoint.Name)), maxResponseBytes: options.UpstreamMaxResponseBytes);
            _clients.Add(client);
            tracker.SetOwners(endpoint.Source, ownership.IsOwner(endpoint.Source) ? [replica.NodeName] : []);
            Syncers.Add(new UpstreamSyncer(client, replica, tracker, ownership, timeProvider, options.SyncInterval, loggers.CreateLogger<UpstreamSyncer>(), cursors,
                instruments.PullDuration));
        }

        if (options.RegistryUpstream is { } home)
        {
            var client = new UpstreamClient(home, pipelines.GetPipeline(SidecarPipelines.HomeUpstream), maxResponseBytes: options.UpstreamMaxResponseBytes);
            _clients.Add(client);
            Mirror = new HomeRegistryMirror(client, replica, loggers.CreateLogger<HomeRegistryMirror>());
        }
    }

    public List<UpstreamSyncer> Syncers { get; } = [];

    public HomeRegistryMirror? Mirror { get; }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
