using System.Globalization;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Sources;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Validation;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>The agent's own API under <c>/v1</c>: health, readiness and the compact blocking-query lookup.</summary>
internal static class AgentEndpoints
{
    public const string IndexHeader = "X-Sidecar-Index";

    /// <summary>Longest a blocking query may wait (Consul's cap is 10 minutes too).</summary>
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_defaultWait = TimeSpan.FromMinutes(5);

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        app.MapAgentHealthChecks();
        v1.MapGet("/drain", Drain);
        v1.MapGet("/services/{serviceName}/instances", Instances);
        v1.MapGet("/sources", (HttpContext context, SourceTracker sources, Replica replica, Gossip.GossipOwnership owners) => WriteJsonAsync(context, SourcesOf(sources, replica, owners), AgentJsonContext.Default.SourcesResponse));
    }

    /// <summary>
    /// The app containers' <c>preStop</c> hook (kubelet <c>httpGet</c>, so GET): unregisters the auto-registered
    /// instance, waits the drain delay so that peers see it, then answers 200. Idempotent: a repeated or concurrent
    /// call waits for the same drain. Without auto-registration there is nothing to drain: 200 at once.
    /// </summary>
    private static async Task Drain(HttpContext context)
    {
        if (context.RequestServices.GetService<AutoRegistration.AutoRegistrationHostedService>() is not { } registration)
        {
            await WriteText(context, StatusCodes.Status200OK, "nothing to drain: no auto-registered app (SIDECAR_APP_PORT is not set)");
            return;
        }

        var unregistered = await registration.DrainAsync().WaitAsync(context.RequestAborted);
        await WriteText(context, StatusCodes.Status200OK, unregistered
            ? "drained: the app's instance is unregistered and stays so"
            : "drained: the app's instance was not registered and will not be");
    }

    private static Task WriteText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>
    /// Compact lookup. With <c>index</c>, blocks until the answer's index differs from it or <c>wait</c> passes
    /// (Consul-style blocking query); <c>X-Sidecar-Index</c> carries the index to send next time.
    /// </summary>
    private static async Task Instances(HttpContext context, Replica replica)
    {
        var serviceName = Route(context, "serviceName");
        var appId = Query(context, "appId") ?? "default";
        var env = Query(context, "env") ?? "";
        var indexError = ParseIndex(Query(context, "index"), out var index);
        var waitError = ParseWait(Query(context, "wait"), out var wait);
        var ignoreCaseError = ParseIgnoreCase(Query(context, "ignoreCase"), out var ignoreCase);
        var error = FindValidator.Validate(appId, serviceName, env, null, null) ?? indexError ?? waitError ?? ignoreCaseError;
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        var tenant = TenantOf(context);
        var key = new NameKey(tenant.Domain, tenant.Project, env, appId, serviceName!);
        var snapshot = replica.Snapshot;
        var answer = Lookup(snapshot, key, ignoreCase);
        if (index is { } known && (answer?.Index ?? 0) == known)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(wait);
            try
            {
                while ((answer?.Index ?? 0) == known)
                {
                    // Wait for a snapshot newer than the one answered from, so a change published in between is not missed.
                    await replica.WaitForChangeAsync(snapshot.Index, timeout.Token);
                    snapshot = replica.Snapshot;
                    answer = Lookup(snapshot, key, ignoreCase);
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // wait elapsed: answer what we have.
            }
        }

        var cluster = Query(context, "cluster");
        var zone = Query(context, "zone");
        var instances = (answer?.Services ?? [])
            .SelectMany(s => s.Instances)
            .Select(i => i.Instance)
            .Where(i => (cluster is null || ClusterOf(i) == cluster) && (zone is null || i.DataCenterInfo?.AvailableZone == zone))
            .Select(i => new SidecarInstance(i.InstanceId!, i.ServiceId!, i.Version, i.Status, i.HostName, i.Endpoints, ClusterOf(i), i.DataCenterInfo?.AvailableZone, i.Properties))
            .ToList();
        var answerIndex = answer?.Index ?? 0;
        context.Response.Headers[IndexHeader] = answerIndex.ToString(CultureInfo.InvariantCulture);
        InstanceEndpoints.WriteFreshness(context, answer?.Sources ?? []);
        // With ignoreCase the answer names the service it matched (e.g. "Server" for "server").
        var answeredName = ignoreCase && answer is not null ? answer.Key.ServiceName : serviceName!;
        await WriteJsonAsync(context, new SidecarInstancesResponse(answeredName, appId, env, answerIndex, instances), SidecarJsonContext.Default.SidecarInstancesResponse);
    }

    /// <summary>
    /// The exact name first; with <paramref name="ignoreCase"/> (clients whose URIs lower-case host names) otherwise the
    /// name equal to it ignoring case. When several names differ only in case, the ordinally smallest wins ("SERVER"
    /// before "Server"), so the choice is stable across agents and requests. The fallback scans the names (no index
    /// by lower-cased name yet): cheap for the few thousand names a per-pod agent holds.
    /// </summary>
    private static FindAnswer? Lookup(RegistrySnapshot snapshot, in NameKey key, bool ignoreCase)
    {
        var exact = snapshot.Find(key);
        return exact is not null || !ignoreCase ? exact : FirstIgnoringCase(snapshot.Names, key) ?? FirstIgnoringCase(snapshot.Aliases, key);
    }

    private static FindAnswer? FirstIgnoringCase(System.Collections.Immutable.ImmutableDictionary<NameKey, FindAnswer> names, NameKey key)
    {
        FindAnswer? best = null;
        string? bestName = null;
        foreach (var (candidate, answer) in names)
        {
            if (candidate.Domain == key.Domain && candidate.Project == key.Project && candidate.Environment == key.Environment && candidate.AppId == key.AppId
                && string.Equals(candidate.ServiceName, key.ServiceName, StringComparison.OrdinalIgnoreCase)
                && (bestName is null || string.CompareOrdinal(candidate.ServiceName, bestName) < 0))
            {
                (best, bestName) = (answer, candidate.ServiceName);
            }
        }

        return best;
    }

    private static SourcesResponse SourcesOf(SourceTracker tracker, Replica replica, Gossip.GossipOwnership owners)
    {
        var counts = replica.Snapshot.Services.Values.SelectMany(s => s.Instances).GroupBy(i => i.Source).ToDictionary(g => g.Key, g => g.Count());
        var services = replica.Snapshot.Services.Values.GroupBy(s => s.Source).ToDictionary(g => g.Key, g => g.Count());
        return new SourcesResponse([.. tracker.All.Select(s => new SourceInfo(
            s.Source, owners.OwnersOf(s.Source), s.State.ToString().ToLowerInvariant(), s.LastSuccess, s.LastError,
            services.GetValueOrDefault(s.Source), counts.GetValueOrDefault(s.Source)))]);
    }

    /// <summary>The cluster an instance came from: its <c>cluster</c> property, set by upstream sources; local otherwise.</summary>
    private static string? ClusterOf(MicroServiceInstance instance) => instance.Properties?.GetValueOrDefault("cluster");

    internal static ScError? ParseIndex(string? text, out long? index)
    {
        index = null;
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return ScError.InvalidParams($"index '{text}' is not a non-negative integer");
        }

        index = value;
        return null;
    }

    private static ScError? ParseIgnoreCase(string? text, out bool ignoreCase)
    {
        ignoreCase = false;
        return text is null || bool.TryParse(text, out ignoreCase) ? null : ScError.InvalidParams($"ignoreCase '{text}' is not true or false");
    }

    /// <summary>Parses <c>wait</c> as Consul does: <c>10s</c>, <c>5m</c>, <c>250ms</c>, or plain seconds.</summary>
    internal static ScError? ParseWait(string? text, out TimeSpan wait)
    {
        wait = s_defaultWait;
        if (text is null)
        {
            return null;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return ScError.InvalidParams($"wait '{text}' is not a duration such as 10s, 5m or 250ms");
        }

        wait = TimeSpan.FromSeconds(Math.Min(value * unit, s_maxWait.TotalSeconds));
        return null;
    }
}
