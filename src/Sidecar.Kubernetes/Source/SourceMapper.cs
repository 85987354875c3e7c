using System.Globalization;
using System.Net;
using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Kubernetes.Source;

/// <summary>
/// Maps the watched objects to Service-Center records, as Service-Center's own k8s adaptor does
/// (spec/kubernetes.md section 1) so that a Service and a Service-Center registration with the same
/// environment/appId/name/version share one serviceId, with the documented improvements: EndpointSlices merged and
/// deduplicated, endpoint conditions honoured, Node topology labels, label changes re-indexed, and namespace
/// collisions resolved deterministically. Pure: no I/O, the same state always maps to the same records.
/// </summary>
internal static class SourceMapper
{
    public const string OptOutAnnotation = "service-center.servicecomb.io/register";
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string SkippedNamespace = "kube-system";

    private static readonly string[] s_zoneLabels = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
    private static readonly string[] s_regionLabels = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];

    /// <param name="state">The watched objects; read them inside <see cref="ClusterState.Read{TResult}"/>.</param>
    /// <param name="clusterName">The local cluster's name: the <c>dataCenterInfo.name</c> of every instance.</param>
    public static KubeMapping Map(ClusterState state, string clusterName)
    {
        ArgumentNullException.ThrowIfNull(state);
        var podsByIp = new Dictionary<string, KubePod>(StringComparer.Ordinal);
        foreach (var pod in state.Pods.Items)
        {
            // Service-Center indexes Pending and Running pods by IP; only Running ones become instances.
            if (pod.Status is { Phase: "Running" or "Pending" } status)
            {
                foreach (var ip in (status.PodIPs ?? []).Select(p => p.Ip).Append(status.PodIP))
                {
                    if (ip is not null)
                    {
                        podsByIp[ip] = pod;
                    }
                }
            }
        }

        var slicesByService = state.Slices.Items
            .Where(s => s.Metadata?.Labels?.GetValueOrDefault(ServiceNameLabel) is not null)
            .ToLookup(s => (s.Metadata!.Namespace ?? "", s.Metadata.Labels![ServiceNameLabel]));

        var notes = new List<string>();
        var candidates = new List<(KubeService Kube, MappedService Mapped)>();
        foreach (var kube in state.Services.Items)
        {
            var meta = kube.Metadata!;
            var ns = meta.Namespace ?? "";
            if (ns == SkippedNamespace || string.Equals(meta.Annotations?.GetValueOrDefault(OptOutAnnotation), "false", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var service = ToService(kube);
            if (ServiceValidator.Validate(service) is { } invalid)
            {
                notes.Add($"Service {ns}/{meta.Name} is not registered: {invalid.Detail}");
                continue;
            }

            var instances = new List<MicroServiceInstance>();
            foreach (var instance in Instances(service, slicesByService[(ns, meta.Name!)], state, podsByIp, clusterName))
            {
                if (InstanceValidator.Validate(instance) is { } badInstance)
                {
                    notes.Add($"Service {ns}/{meta.Name}: instance of pod {instance.HostName} is not registered: {badInstance.Detail}");
                    continue;
                }

                instances.Add(instance);
            }

            candidates.Add((kube, new MappedService(service, instances)));
        }

        var services = new Dictionary<string, MappedService>(StringComparer.Ordinal);
        foreach (var group in candidates.GroupBy(c => c.Mapped.Service.ServiceId!, StringComparer.Ordinal))
        {
            // The namespace is not part of Service-Center's key: same-named Services in two namespaces (with the same
            // app, version and environment labels) are one service. The oldest Service wins, ties by namespace name;
            // the others are left out, not merged, so one namespace never receives another's traffic by accident.
            var ordered = group
                .OrderBy(c => c.Kube.Metadata!.CreationTimestamp ?? DateTimeOffset.MaxValue)
                .ThenBy(c => c.Kube.Metadata!.Namespace, StringComparer.Ordinal)
                .ToList();
            services[group.Key] = ordered[0].Mapped;
            foreach (var loser in ordered.Skip(1))
            {
                var s = loser.Mapped.Service;
                notes.Add($"Service {loser.Kube.Metadata!.Namespace}/{s.ServiceName} has the same key {s.Environment}/{s.AppId}/{s.ServiceName}/{s.Version} "
                    + $"as {ordered[0].Kube.Metadata!.Namespace}/{s.ServiceName}, which is older and wins; give it another name or an 'app' or 'version' label to register both");
            }
        }

        return new KubeMapping(services, notes);
    }

    /// <summary>The Service as a Service-Center microservice (<c>convertor.go FromK8sService</c>), already normalized.</summary>
    public static MicroService ToService(KubeService kube)
    {
        ArgumentNullException.ThrowIfNull(kube);
        var meta = kube.Metadata!;
        var labels = meta.Labels;
        var appId = Label(labels, "app") ?? "default";
        var version = Label(labels, "version") ?? "0.0.1";
        var environment = Label(labels, "environment") ?? "";
        var timestamp = UnixSeconds(meta.CreationTimestamp);
        return new MicroService
        {
            ServiceId = ServiceIds.ForService(Tenant.Default.Domain, Tenant.Default.Project, environment, appId, meta.Name!, version),
            AppId = appId,
            ServiceName = meta.Name,
            Version = version,
            Environment = environment.Length == 0 ? null : environment,
            Level = "BACK",
            Status = "UP",
            RegisterBy = "PLATFORM",
            Framework = new FrameworkInfo { Name = "Kubernetes" },
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["namespace"] = meta.Namespace ?? "",
                ["type"] = kube.Spec?.Type ?? "ClusterIP",
                ["externalName"] = kube.Spec?.ExternalName ?? "",
            },
            Timestamp = timestamp,
            ModTimestamp = timestamp,
        };
    }

    private static IEnumerable<MicroServiceInstance> Instances(MicroService service, IEnumerable<KubeEndpointSlice> slices, ClusterState state,
        Dictionary<string, KubePod> podsByIp, string clusterName)
    {
        var byPod = new Dictionary<string, PodEndpoints>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            var ports = (slice.Ports ?? []).Where(p => p.Port is > 0).ToList();
            var ns = slice.Metadata?.Namespace;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (Status(endpoint.Conditions) is not { } status || endpoint.Addresses is not { Count: > 0 } addresses)
                {
                    continue;
                }

                var pod = PodOf(endpoint, ns, state, podsByIp, addresses);
                if (pod?.Metadata?.Uid is not { } uid || pod.Status?.Phase != "Running" || state.Nodes.Get(null, pod.Spec?.NodeName ?? endpoint.NodeName) is not { } node)
                {
                    continue;
                }

                if (!byPod.TryGetValue(uid, out var entry))
                {
                    byPod[uid] = entry = new PodEndpoints(pod, node);
                }

                entry.Status = entry.Status == "UP" ? "UP" : status;
                entry.Zone ??= endpoint.Zone;
                foreach (var address in addresses)
                {
                    foreach (var port in ports)
                    {
                        // A set: the same address and port in two slices (mid-split, or mirrored) is one endpoint.
                        entry.Endpoints.Add(Endpoint(address, port));
                    }
                }
            }
        }

        return byPod.Values.OrderBy(p => p.Pod.Metadata!.Uid, StringComparer.Ordinal).Select(p => ToInstance(service, p, clusterName));
    }

    /// <summary>
    /// Endpoint conditions (nil = unknown; kube-proxy reads an unknown ready as ready): ready → UP;
    /// serving and terminating → DOWN (draining, still listed); otherwise not listed.
    /// </summary>
    public static string? Status(KubeEndpointConditions? conditions)
    {
        var ready = conditions?.Ready ?? true;
        var serving = conditions?.Serving ?? ready;
        var terminating = conditions?.Terminating ?? false;
        return ready && !terminating ? "UP" : serving && terminating ? "DOWN" : null;
    }

    /// <summary>
    /// <c>rest://ip:port</c> for TCP (with <c>?sslEnabled=true</c> for a port named https), else the lowercase protocol
    /// as scheme; IPv6 addresses in brackets.
    /// </summary>
    public static string Endpoint(string address, KubeEndpointPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var protocol = port.Protocol ?? "TCP";
        var host = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        var number = port.Port!.Value.ToString(CultureInfo.InvariantCulture);
        return protocol == "TCP"
            ? $"rest://{host}:{number}" + (string.Equals(port.Name, "https", StringComparison.OrdinalIgnoreCase) ? "?sslEnabled=true" : "")
            : $"{protocol.ToLowerInvariant()}://{host}:{number}";
    }

    private static KubePod? PodOf(KubeEndpoint endpoint, string? ns, ClusterState state, Dictionary<string, KubePod> podsByIp, List<string> addresses)
    {
        if (endpoint.TargetRef is { Kind: "Pod", Name: { } name } target
            && state.Pods.Get(target.Namespace ?? ns, name) is { } byRef
            && (target.Uid is null || target.Uid == byRef.Metadata?.Uid))
        {
            return byRef;
        }

        return addresses.Select(a => podsByIp.GetValueOrDefault(a)).FirstOrDefault(p => p is not null);
    }

    private static MicroServiceInstance ToInstance(MicroService service, PodEndpoints entry, string clusterName)
    {
        var pod = entry.Pod;
        var labels = entry.Node.Metadata?.Labels;
        var zone = entry.Zone ?? FirstLabel(labels, s_zoneLabels);
        var region = FirstLabel(labels, s_regionLabels);
        var timestamp = UnixSeconds(pod.Metadata!.CreationTimestamp);
        return new MicroServiceInstance
        {
            InstanceId = pod.Metadata.Uid!.Replace("-", "", StringComparison.Ordinal),
            ServiceId = service.ServiceId,
            Endpoints = [.. entry.Endpoints.Order(StringComparer.Ordinal)],
            HostName = pod.Metadata.Name,
            Status = entry.Status,
            Version = service.Version,
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["namespace"] = pod.Metadata.Namespace ?? "",
                ["nodeIP"] = pod.Status?.HostIP ?? "",
            },
            // Service-Center's records require all three fields; the data center is the cluster.
            DataCenterInfo = zone is not null && region is not null ? new DataCenterInfo { Name = clusterName, Region = region, AvailableZone = zone } : null,
            Timestamp = timestamp,
            ModTimestamp = timestamp,
        };
    }

    private static string? Label(Dictionary<string, string>? labels, string name) =>
        labels?.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

    private static string? FirstLabel(Dictionary<string, string>? labels, string[] names) =>
        names.Select(n => Label(labels, n)).FirstOrDefault(v => v is not null);

    private static string? UnixSeconds(DateTimeOffset? time) =>
        time?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed class PodEndpoints(KubePod pod, KubeNode node)
    {
        public KubePod Pod { get; } = pod;

        public KubeNode Node { get; } = node;

        public SortedSet<string> Endpoints { get; } = new(StringComparer.Ordinal);

        public string? Status { get; set; }

        public string? Zone { get; set; }
    }
}
