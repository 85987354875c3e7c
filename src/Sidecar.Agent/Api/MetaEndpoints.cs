using System.Runtime.InteropServices;
using Sidecar.Agent.Hosting;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using static Sidecar.Agent.Api.ScHttp;

namespace Sidecar.Agent.Api;

/// <summary>Meta endpoints M1-M5: health, version, readiness, apps and the govern view.</summary>
internal static class MetaEndpoints
{
    public const string AgentVersion = "0.1.0";

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder registry)
    {
        app.MapGet("/health", Health);
        registry.MapGet("/health", Health);
        registry.MapGet("/health/readiness", (HttpContext context) => WriteEmptyAsync(context));
        registry.MapGet("/version", (HttpContext context) => Version(context, "4.0.0"));
        app.MapGet("/version", (HttpContext context) => Version(context, "3.0.0"));
        app.MapGet("/v4/{project}/govern/apps", Apps);
        app.MapGet("/v4/{project}/govern/microservices", GovernServices);
    }

    /// <summary>
    /// Service-Center answers its own instances here; clients use them to find registry addresses. The agent is the
    /// registry of its app, so it answers one SERVICECENTER instance: itself.
    /// </summary>
    private static Task Health(HttpContext context, Replica replica, AgentOptions options)
    {
        var now = replica.TimeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var self = new MicroServiceInstance
        {
            InstanceId = replica.NodeName,
            ServiceId = ServiceIds.ForService("default", "default", "production", "default", "SERVICECENTER", AgentVersion),
            Endpoints = [$"rest://{options.Listen}"],
            HostName = replica.NodeName,
            Status = "UP",
            HealthCheck = new HealthCheck { Mode = "push", Interval = 30, Times = 3 },
            Timestamp = now,
            ModTimestamp = now,
            Version = AgentVersion,
        };
        return WriteJsonAsync(context, new InstancesResponse([self]), SidecarJsonContext.Default.InstancesResponse);
    }

    private static Task Version(HttpContext context, string apiVersion) =>
        WriteJsonAsync(
            context,
            new VersionResponse(AgentVersion, "sidecar", "dotnet" + Environment.Version, RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant(),
                RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), apiVersion),
            SidecarJsonContext.Default.VersionResponse);

    private static Task Apps(HttpContext context, Replica replica)
    {
        var tenant = TenantOf(context);
        var apps = ServicesOf(replica, tenant).Select(s => s.Service.AppId!).Distinct().Order(StringComparer.Ordinal).ToList();
        return WriteJsonAsync(context, new AppsResponse(apps.Count > 0 ? apps : null), SidecarJsonContext.Default.AppsResponse);
    }

    private static Task GovernServices(HttpContext context, Replica replica)
    {
        var withInstances = Query(context, "options")?.Split(',').Contains("instances") == true;
        var details = ServicesOf(replica, TenantOf(context))
            .Select(s => new ServiceDetail(s.Service, withInstances && s.Instances.Length > 0 ? s.Instances.Select(i => i.Instance).ToList() : null))
            .ToList();
        return WriteJsonAsync(context, new GovernServicesResponse(details.Count > 0 ? details : null), SidecarJsonContext.Default.GovernServicesResponse);
    }

    private static IEnumerable<ServiceView> ServicesOf(Replica replica, Tenant tenant) =>
        replica.Snapshot.Services.Values
            .Where(s => s.Ref.Domain == tenant.Domain && s.Ref.Project == tenant.Project)
            .OrderBy(s => s.Ref.ServiceId, StringComparer.Ordinal);
}
