using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sidecar.Cli;
using Sidecar.Agent.Api;
using Sidecar.Agent.Diagnostics;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Storage;
using Sidecar.Agent.Watch;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Builds the agent: opens the replica file and loads it into the replica before the listener exists, so the first
/// answer after a restart comes from the persisted copy; then Kestrel on <see cref="AgentOptions.Listen"/> and routes.
/// </summary>
internal static partial class AgentHost
{
    /// <exception cref="StorageException">The data dir cannot be used.</exception>
    /// <exception cref="OptionsValidationException">The settings are refused by <see cref="AgentOptionsValidator"/> (nothing is opened).</exception>
    public static WebApplication Build(AgentOptions options, Action<IServiceCollection>? configureServices = null)
    {
        // Read and decode the snapshot while the host is being built (2 cores: most of it overlaps); the store
        // checks it against the file once it holds the data dir's lock.
        var prefetched = ReplicaSnapshotFile.Prefetch(options.DataDir);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.Listen);
            if (options.HealthListen is { } health)
            {
                kestrel.Listen(health);
            }

            kestrel.AddServerHeader = false;
            // Bodies are capped per endpoint (ScHttp); this only stops a client from streaming without end.
            kestrel.Limits.MaxRequestBodySize = 4 * ScHttp.MaxBody;
        });
        options.Logging.Apply(builder.Logging);
        // Per-request framework logs cost more than a lookup; keep warnings and above.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Polly logs every execution and its result at Information (several lines per pull, every sync interval);
        // retries, timeouts and breaker changes are warnings and stay.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        var services = builder.Services;
        // The parsed settings as IOptions<AgentOptions> (and AgentOptions itself), validated at start.
        services.AddGivenSettings<AgentOptions, AgentOptionsValidator>(options);
        configureServices?.Invoke(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Storage>(sp => OpenStorage(options, sp, prefetched));
        services.AddMetrics();
        services.TryAddSingleton<RecordGateMonitor>();
        services.TryAddSingleton(sp => CreateReplica(sp.GetRequiredService<Storage>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RecordGateMonitor>().Gate));
        services.TryAddSingleton(sp => new LocalRegistry(sp.GetRequiredService<Replica>(), options.Quotas));
        services.TryAddSingleton<ISyncCursorStore>(sp => sp.GetRequiredService<Storage>().Store);
        services.TryAddSingleton<SourceTracker>();
        services.TryAddSingleton<WatchHub>();
        services.TryAddSingleton<Readiness>();
        services.TryAddSingleton<AgentHealth>();
        // First registered, so stopped last: the snapshot taken at a clean stop holds every other service's last write.
        services.AddHostedService(sp => new ReplicaSnapshots(sp.GetRequiredService<Replica>(), sp.GetRequiredService<Storage>().Store,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReplicaSnapshots>>()));
        services.AddAgentHealthChecks();
        services.AddAgentTelemetry();
        services.AddHostedService<ReplicaMaintenance>();
        services.AddHostedService<HeapTrimmer>();
        services.AddSidecarUpstreams(options);
        services.AddSidecarKubernetesSource(options);
        services.AddSidecarAutoRegistration(Environment.GetEnvironmentVariable);
        services.AddSidecarGossip(options);

        StartupProfile.Mark("configure");
        var app = builder.Build();
        // ValidateOnStart would refuse bad settings in StartAsync; asking here refuses them before the data dir is opened.
        _ = app.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        StartupProfile.Mark("host-build");
        // Before the replica exists: the records it refuses while restoring must be counted. Started beside the
        // store's opening (both take tens of milliseconds) and waited for before the replica is restored.
        var telemetry = Task.Run(() => AgentTelemetry.Start(app));
        var storage = app.Services.GetRequiredService<Storage>();
        prefetched.Cancel();
        StartupProfile.Mark("storage");
        telemetry.GetAwaiter().GetResult();
        StartupProfile.Mark("telemetry");
        var replica = app.Services.GetRequiredService<Replica>();
        StartupProfile.Mark("restore-views");
        var tracker = app.Services.GetRequiredService<SourceTracker>();
        tracker.MarkRestored(storage.State.Records.Select(r => r.Key.Source).Distinct(), storage.State.Identity?.LastWrite ?? DateTimeOffset.UnixEpoch);
        storage.ReleaseRestored();
        app.Services.GetRequiredService<WatchHub>();
        _ = app.Services.GetService<Upstreams.UpstreamSet>();
        replica.Start();
        storage.Store.Start();
        var readiness = app.Services.GetRequiredService<Readiness>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentHost).FullName!);
        var gossipText = options.Gossip is { } gossip ? "on " + gossip.Bind : "off";
        var logFormat = options.Logging.Json ? "json" : "text";
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Log.AgentStarted(logger, storage.Identity.NodeName, options.Listen, options.DataDir, gossipText, logFormat);
            readiness.MarkReady();
            StartupProfile.Mark("listen");
            StartupProfile.LogStarted(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar.Agent.Startup"));
        });
        app.Lifetime.ApplicationStopping.Register(readiness.MarkStopping);
        if (options.HealthListen is { } healthListen)
        {
            app.Use(HealthListener.Filter(healthListen.Port));
        }

        app.Use(BrowserGuard.Create(options));
        app.Use(UnavailableAnswer.InvokeAsync);
        app.UseWebSockets();
        app.Use(NotFoundAsText);
        app.Use(TenantGuard.Invoke);
        MapSidecarApi(app);
        StartupProfile.Mark("pipeline");
        app.MapAgentMetrics();
        return app;
    }

    public static void MapSidecarApi(IEndpointRouteBuilder app)
    {
        var registry = app.MapGroup("/v4/{project}/registry");
        ServiceEndpoints.Map(registry);
        InstanceEndpoints.Map(registry);
        FindEndpoints.Map(registry);
        WatchEndpoints.Map(registry);
        MetaEndpoints.Map(app, registry);
        AdminEndpoints.Map(app);
        AgentEndpoints.Map(app);
        Gossip.GossipEndpoints.Map(app);
        ServiceListEndpoint.Map(app);
        Ui.StatusPage.Map(app);
    }

    private static Storage OpenStorage(AgentOptions options, IServiceProvider services, ReplicaSnapshotFile.Prefetched prefetched)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar.Agent.Storage");
        var (store, state) = LiteDbReplicaStore.Open(options.DataDir, services.GetRequiredService<TimeProvider>(), logger, prefetched);
        StartupProfile.Mark("storage-read");
        var nodeName = options.NodeName ?? state.Identity?.NodeName ?? NewNodeName();
        var identity = store.SaveIdentity(nodeName, state.Identity);
        StartupProfile.Mark("save-identity");
        return new Storage(store, state, identity);
    }

    /// <summary>
    /// A first run's node name, persisted from then on. In a pod the host name is the pod's name, unique in the
    /// cluster; elsewhere several agents may share a host, so a random suffix keeps their names apart.
    /// </summary>
    private static string NewNodeName() =>
        Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 }
            ? Dns.GetHostName()
            : $"{Dns.GetHostName()}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    private static Replica CreateReplica(Storage storage, TimeProvider timeProvider, RecordGate gate)
    {
        var replica = new Replica(storage.Identity.NodeName, timeProvider, storage.Store, gate);
        replica.Restore(Applied(storage.State.Records), storage.State.Leases);
        return replica;

        // Marks the end of applying the records; what follows in Restore is building the views.
        static IEnumerable<Record> Applied(IEnumerable<Record> records)
        {
            foreach (var record in records)
            {
                yield return record;
            }

            StartupProfile.Mark("restore-apply");
        }
    }

    /// <summary>An unknown path answers as Go's <c>http.NotFound</c> does: 404, text/plain, <c>404 page not found</c>.</summary>
    private static async Task NotFoundAsText(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            return;
        }

        await next(context);
    }

    /// <summary>The opened store, what it held at start-up, and the identity this run uses.</summary>
    internal sealed class Storage(LiteDbReplicaStore store, PersistedState state, AgentIdentity identity) : IDisposable
    {
        public LiteDbReplicaStore Store { get; } = store;

        /// <summary>What the store held at start-up; its record and lease lists are dropped once the replica holds them.</summary>
        public PersistedState State { get; private set; } = state;

        public AgentIdentity Identity { get; } = identity;

        /// <summary>Lets the start's lists go (the replica keeps the records themselves): about 200 bytes per instance.</summary>
        public void ReleaseRestored() => State = State with { Records = [], Leases = [] };

        public void Dispose() => Store.Dispose();
    }
}
