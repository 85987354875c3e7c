using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Upstreams;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>A local replica with a syncer pulling one remote, for in-process syncer tests.</summary>
internal sealed class UpstreamTestKit : IAsyncDisposable
{
    private UpstreamTestKit(Replica replica, SourceTracker tracker, UpstreamClient client, UpstreamSyncer syncer, CountingHandler handler)
    {
        Replica = replica;
        Tracker = tracker;
        Client = client;
        Syncer = syncer;
        Handler = handler;
    }

    public Replica Replica { get; }

    public SourceTracker Tracker { get; }

    public UpstreamClient Client { get; }

    public UpstreamSyncer Syncer { get; }

    public CountingHandler Handler { get; }

    public static UpstreamTestKit Create(string name, params Uri[] urls) => Create(name, null, urls);

    /// <summary>With <paramref name="storage"/>, the replica and the syncer's cursors live in that store (restored from its state).</summary>
    public static UpstreamTestKit Create(string name, (Agent.Storage.LiteDbReplicaStore Store, Agent.Storage.PersistedState State)? storage, params Uri[] urls)
    {
        var replica = new Replica("c1-node", TimeProvider.System, storage?.Store);
        if (storage is { } s)
        {
            replica.Restore(s.State.Records, s.State.Leases);
        }

        replica.Start();
        var tracker = new SourceTracker(replica, TimeProvider.System);
        var builder = new ResiliencePipelineBuilder();
        SidecarPipelines.ConfigureUpstream(builder, TimeSpan.FromSeconds(2));
        var handler = new CountingHandler();
        var client = new UpstreamClient(new UpstreamEndpoint(name, urls), builder.Build(), handler);
        var syncer = new UpstreamSyncer(client, replica, tracker, new AlwaysOwner(), TimeProvider.System, TimeSpan.FromMilliseconds(200), NullLogger.Instance, storage?.Store);
        return new UpstreamTestKit(replica, tracker, client, syncer, handler);
    }

    /// <summary>Instances of source <c>sc:&lt;name&gt;</c> in the local replica.</summary>
    public List<InstanceView> InstancesOf(string source) =>
        [.. Replica.Snapshot.Services.Values.SelectMany(s => s.Instances).Where(i => i.Source == source)];

    public SourceStatus Status(string source) => Tracker.All.Single(s => s.Source == source);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Tracker.Dispose();
        await Replica.DisposeAsync();
    }

    /// <summary>A fresh data dir for an in-process agent.</summary>
    public static string TempDir() => Directory.CreateTempSubdirectory("sidecar-up-").FullName;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts the answers by status code. Like the agent's own handler, it does not drain an abandoned body.</summary>
    internal sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero })
    {
        private readonly List<HttpStatusCode> _statuses = [];

        public List<HttpStatusCode> Statuses
        {
            get
            {
                lock (_statuses)
                {
                    return [.. _statuses];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (_statuses)
            {
                _statuses.Add(response.StatusCode);
            }

            return response;
        }
    }
}
