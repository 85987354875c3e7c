using System.Globalization;
using System.Text.Json.Nodes;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>
/// Generated objects for the simulated API server, shaped like the fixtures (kubectl JSON): Services
/// <c>svc-{i}</c> (labels app/version) in namespace <c>default</c>, each with Running pods on Nodes with topology labels,
/// listed in EndpointSlices of at most <c>perSlice</c> endpoints. For tests that need many objects or many events and
/// for the scale benchmark.
/// </summary>
public static class SyntheticCluster
{
    public const string Namespace = "default";
    public const string AppId = "bench";

    public static string ServiceName(int service) => "svc-" + service.ToString(CultureInfo.InvariantCulture);

    public static string PodName(int service, int endpoint) => $"{ServiceName(service)}-{endpoint.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Seeds <paramref name="services"/> Services with <paramref name="endpointsPerService"/> pods each, then forgets the history.</summary>
    public static void Seed(FakeApiServer server, int services, int endpointsPerService, int perSlice = 100, int nodes = 50)
    {
        ArgumentNullException.ThrowIfNull(server);
        for (var n = 0; n < nodes; n++)
        {
            server.Add("nodes", Node(n));
        }

        for (var s = 0; s < services; s++)
        {
            server.Add("services", Service(s));
            for (var e = 0; e < endpointsPerService; e++)
            {
                server.Add("pods", Pod(s, e, nodes));
            }

            for (var first = 0; first < endpointsPerService; first += perSlice)
            {
                server.Add("endpointslices", Slice(s, first / perSlice, Enumerable.Range(first, Math.Min(perSlice, endpointsPerService - first)), nodes));
            }
        }

        // Nobody watches yet: the history would only hold a second copy of every object.
        server.Compact();
    }

    public static JsonObject Node(int node) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject
        {
            ["name"] = NodeName(node),
            ["uid"] = Uid(0xFFFF, node),
            ["creationTimestamp"] = "2026-01-01T00:00:00Z",
            ["labels"] = new JsonObject
            {
                ["kubernetes.io/hostname"] = NodeName(node),
                ["topology.kubernetes.io/region"] = "eu-west-1",
                ["topology.kubernetes.io/zone"] = "eu-west-1" + (char)('a' + (node % 3)),
            },
        },
        ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = NodeIp(node) }) },
    };

    public static JsonObject Service(int service) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject
        {
            ["name"] = ServiceName(service),
            ["namespace"] = Namespace,
            ["uid"] = Uid(0xFFFE, service),
            ["creationTimestamp"] = "2026-01-02T00:00:00Z",
            ["labels"] = new JsonObject { ["app"] = AppId, ["version"] = "1.0.0" },
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = "10.96." + (service / 250).ToString(CultureInfo.InvariantCulture) + "." + (service % 250).ToString(CultureInfo.InvariantCulture),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080, ["protocol"] = "TCP" }),
        },
    };

    public static JsonObject Pod(int service, int endpoint, int nodes = 50) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = PodName(service, endpoint),
            ["namespace"] = Namespace,
            ["uid"] = Uid(service, endpoint),
            ["creationTimestamp"] = "2026-01-03T00:00:00Z",
            ["labels"] = new JsonObject { ["app"] = ServiceName(service) },
        },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = NodeName(NodeOf(service, endpoint, nodes)),
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/app:1.0.0" }),
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["hostIP"] = NodeIp(NodeOf(service, endpoint, nodes)),
            ["podIP"] = PodIp(service, endpoint),
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = PodIp(service, endpoint) }),
        },
    };

    /// <summary>Slice number <paramref name="slice"/> of a Service, listing the given endpoints (ready, with targetRef).</summary>
    public static JsonObject Slice(int service, int slice, IEnumerable<int> endpoints, int nodes = 50) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{ServiceName(service)}-s{slice.ToString(CultureInfo.InvariantCulture)}",
            ["namespace"] = Namespace,
            ["uid"] = Uid(0xFFFD, (service * 1000) + slice),
            ["creationTimestamp"] = "2026-01-03T00:00:00Z",
            ["labels"] = new JsonObject
            {
                ["kubernetes.io/service-name"] = ServiceName(service),
                ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
            },
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(PodIp(service, e)),
            ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
            ["nodeName"] = NodeName(NodeOf(service, e, nodes)),
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = Namespace, ["name"] = PodName(service, e), ["uid"] = Uid(service, e) },
        })]),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080, ["protocol"] = "TCP" }),
    };

    /// <summary>The Service-Center instanceId of a pod: its UID without dashes.</summary>
    public static string InstanceId(int service, int endpoint) => Uid(service, endpoint).Replace("-", "", StringComparison.Ordinal);

    private static string Uid(int high, int low) =>
        string.Create(CultureInfo.InvariantCulture, $"{high:x8}-0000-4000-8000-{low:x12}");

    private static int NodeOf(int service, int endpoint, int nodes) => ((service * 7) + endpoint) % nodes;

    private static string NodeName(int node) => "node-" + node.ToString(CultureInfo.InvariantCulture);

    private static string NodeIp(int node) => "192.168.0." + (node + 1).ToString(CultureInfo.InvariantCulture);

    private static string PodIp(int service, int endpoint)
    {
        var n = (service * 1000) + endpoint;
        return string.Create(CultureInfo.InvariantCulture, $"10.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}");
    }
}
