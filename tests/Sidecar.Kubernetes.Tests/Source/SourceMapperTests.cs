using System.Text.Json.Nodes;
using Sidecar.Kubernetes.Source;
using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Kubernetes.Tests.Source;

public sealed class SourceMapperTests
{
    private const string Cluster = "prod-eu";
    private static readonly string s_webId = ServiceIds.ForService("default", "default", "", "shop", "web", "1.2.0");

    [Fact]
    public void Map_Fixtures_ServiceIdIsServiceCentersIdForTheSameKey()
    {
        var mapping = Map(KubeFixtures.State());

        var web = mapping.Services[s_webId];
        Assert.Equal(s_webId, ServiceIds.ForService("default", "default", null, "shop", "web", "1.2.0"));
        Assert.Equal("shop", web.Service.AppId);
        Assert.Equal("web", web.Service.ServiceName);
        Assert.Equal("1.2.0", web.Service.Version);
        Assert.Null(web.Service.Environment);
        Assert.Equal("BACK", web.Service.Level);
        Assert.Equal("UP", web.Service.Status);
        Assert.Equal("PLATFORM", web.Service.RegisterBy);
        Assert.Equal("Kubernetes", web.Service.Framework!.Name);
        Assert.Equal(new Dictionary<string, string> { ["namespace"] = "default", ["type"] = "ClusterIP", ["externalName"] = "" }, web.Service.Properties);
        Assert.Equal(DateTimeOffset.Parse("2026-01-05T10:00:00Z").ToUnixTimeSeconds().ToString(), web.Service.Timestamp);
    }

    [Fact]
    public void Map_ServiceWithoutLabels_GetsServiceCentersDefaults()
    {
        var mapping = Map(KubeFixtures.State());

        var api = Assert.Single(mapping.Services.Values, s => s.Service.ServiceName == "api");
        Assert.Equal("default", api.Service.AppId);
        Assert.Equal("0.0.1", api.Service.Version);
        Assert.Equal("production", api.Service.Environment);
        Assert.Equal(ServiceIds.ForService("default", "default", "production", "default", "api", "0.0.1"), api.Service.ServiceId);
        Assert.Equal("NodePort", api.Service.Properties!["type"]);

        var external = Assert.Single(mapping.Services.Values, s => s.Service.ServiceName == "legacy-db");
        Assert.Equal("db.example.com", external.Service.Properties!["externalName"]);
        Assert.Empty(external.Instances);
    }

    [Fact]
    public void Map_KubeSystemAndOptedOutServices_AreSkipped()
    {
        var mapping = Map(KubeFixtures.State());

        Assert.DoesNotContain(mapping.Services.Values, s => s.Service.ServiceName is "kube-dns" or "internal-cache");
        Assert.Equal(["api", "legacy-db", "web"], mapping.Services.Values.Select(s => s.Service.ServiceName).Order());
    }

    [Fact]
    public void Map_DualStackPodAcrossSlices_OneInstanceWithOneEndpointPerAddressAndPort()
    {
        var web = Map(KubeFixtures.State()).Services[s_webId];

        var pod = Assert.Single(web.Instances, i => i.HostName == "web-6d9f7c-abcde");
        Assert.Equal("0b6e1f3a11114a2b9c3d000000000001", pod.InstanceId);
        Assert.Equal(s_webId, pod.ServiceId);
        // Listed in two IPv4 slices (mid-split duplicate) and one IPv6 slice: every address/port once.
        Assert.Equal(
        [
            "rest://10.244.1.11:8080",
            "rest://10.244.1.11:8443?sslEnabled=true",
            "rest://[fd00:10:244:1::b]:8080",
            "rest://[fd00:10:244:1::b]:8443?sslEnabled=true",
            "udp://10.244.1.11:8125",
            "udp://[fd00:10:244:1::b]:8125",
        ], pod.Endpoints);
        Assert.Equal("UP", pod.Status);
        Assert.Equal("1.2.0", pod.Version);
        Assert.Equal(new Dictionary<string, string> { ["namespace"] = "default", ["nodeIP"] = "192.168.0.10" }, pod.Properties);
        Assert.Equal(DateTimeOffset.Parse("2026-01-06T08:00:00Z").ToUnixTimeSeconds().ToString(), pod.Timestamp);
        Assert.Null(pod.HealthCheck);
    }

    [Fact]
    public void Map_EndpointConditions_ReadyUpTerminatingServingDownNotServingRemoved()
    {
        var web = Map(KubeFixtures.State()).Services[s_webId];

        Assert.Equal("DOWN", Assert.Single(web.Instances, i => i.HostName == "web-6d9f7c-fghij").Status);
        Assert.DoesNotContain(web.Instances, i => i.HostName == "web-6d9f7c-klmno");
        Assert.Equal(3, web.Instances.Count);
    }

    [Theory]
    [InlineData(true, null, null, "UP")]
    [InlineData(null, null, null, "UP")]
    [InlineData(false, true, true, "DOWN")]
    [InlineData(false, null, true, null)]
    [InlineData(false, false, true, null)]
    [InlineData(false, true, false, null)]
    [InlineData(true, true, true, "DOWN")]
    public void Status_Conditions_FollowTheSpec(bool? ready, bool? serving, bool? terminating, string? expected) =>
        Assert.Equal(expected, SourceMapper.Status(new KubeEndpointConditions { Ready = ready, Serving = serving, Terminating = terminating }));

    [Fact]
    public void Map_DataCenterInfo_EndpointZoneThenNodeTopologyLabelsThenBetaLabels()
    {
        var web = Map(KubeFixtures.State()).Services[s_webId];

        var onNodeA = Assert.Single(web.Instances, i => i.HostName == "web-6d9f7c-abcde").DataCenterInfo!;
        Assert.Equal(new DataCenterInfo { Name = Cluster, Region = "eu-west-1", AvailableZone = "eu-west-1a" }, onNodeA);
        // node-b has only the deprecated failure-domain labels, and the slice gives no zone.
        var onNodeB = Assert.Single(web.Instances, i => i.HostName == "web-6d9f7c-pqrst").DataCenterInfo!;
        Assert.Equal(new DataCenterInfo { Name = Cluster, Region = "eu-central-1", AvailableZone = "eu-central-1b" }, onNodeB);
    }

    [Fact]
    public void Map_EndpointWithoutTargetRef_PodFoundByIpAndOnlyRunningPodsOnKnownNodes()
    {
        var api = Assert.Single(Map(KubeFixtures.State()).Services.Values, s => s.Service.ServiceName == "api");

        // 10.244.2.31: Running; 10.244.2.32: Pending; 10.244.3.33: on a Node the cluster does not list.
        var instance = Assert.Single(api.Instances);
        Assert.Equal("api-59b7d-aaaaa", instance.HostName);
        Assert.Equal(["rest://10.244.2.31:9090"], instance.Endpoints);
        Assert.Equal("0.0.1", instance.Version);
    }

    [Fact]
    public void Map_SameKeyInTwoNamespaces_OldestServiceWinsAndTheCollisionIsNoted()
    {
        var mapping = Map(KubeFixtures.State());

        var web = mapping.Services[s_webId];
        Assert.Equal("default", web.Service.Properties!["namespace"]);
        Assert.All(web.Instances, i => Assert.Equal("default", i.Properties!["namespace"]));
        var note = Assert.Single(mapping.Notes);
        Assert.Contains("team-b/web", note, StringComparison.Ordinal);
        Assert.Contains("default/web", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_CollisionWinnerDeleted_TheOtherNamespaceTakesOver()
    {
        var state = KubeFixtures.State();
        state.Apply(WatchEventType.Deleted, KubeFixtures.Parse<KubeService>(KubeFixtures.Find("services", "default", "web")));

        var web = Map(state).Services[s_webId];

        Assert.Equal("team-b", web.Service.Properties!["namespace"]);
        Assert.Equal(["rest://10.244.2.41:8080"], Assert.Single(web.Instances).Endpoints);
    }

    [Fact]
    public void Map_ServiceLabelsChange_ReindexedUnderTheNewServiceId()
    {
        var state = KubeFixtures.State();
        var web = KubeFixtures.Find("services", "default", "web");
        web["metadata"]!["labels"]!["version"] = "1.3.0";
        web["metadata"]!["resourceVersion"] = "9999";
        state.Apply(WatchEventType.Modified, KubeFixtures.Parse<KubeService>(web));

        var mapping = Map(state);

        var newId = ServiceIds.ForService("default", "default", "", "shop", "web", "1.3.0");
        Assert.Equal("1.3.0", mapping.Services[newId].Service.Version);
        Assert.All(mapping.Services[newId].Instances, i => Assert.Equal("1.3.0", i.Version));
        Assert.Equal(3, mapping.Services[newId].Instances.Count);
        // The old key now belongs to team-b's web alone (no collision any more).
        Assert.Equal("team-b", mapping.Services[s_webId].Service.Properties!["namespace"]);
        Assert.Empty(mapping.Notes);
    }

    [Fact]
    public void Map_LabelsTheRegistryWouldReject_ServiceLeftOutWithANote()
    {
        var state = KubeFixtures.State();
        var api = KubeFixtures.Find("services", "default", "api");
        api["metadata"]!["labels"] = new JsonObject { ["environment"] = "staging", ["version"] = "v2" };
        api["metadata"]!["resourceVersion"] = "9999";
        state.Apply(WatchEventType.Modified, KubeFixtures.Parse<KubeService>(api));

        var mapping = Map(state);

        Assert.DoesNotContain(mapping.Services.Values, s => s.Service.ServiceName == "api");
        Assert.Contains(mapping.Notes, n => n.StartsWith("Service default/api is not registered", StringComparison.Ordinal));
    }

    [Fact]
    public void Map_EveryRecord_PassesTheReplicasValidation()
    {
        foreach (var mapped in Map(KubeFixtures.State()).Services.Values)
        {
            Assert.Null(ServiceValidator.Validate(mapped.Service));
            Assert.All(mapped.Instances, i => Assert.Null(InstanceValidator.Validate(i)));
        }
    }

    [Fact]
    public void Map_SliceSplitAndMerge_SameInstances()
    {
        var state = KubeFixtures.State();
        var before = Shape(Map(state).Services[s_webId].Instances);

        // Split: the controller moves web-6d9f7c-pqrst's endpoint into a new slice and drops it from the old one.
        var moved = KubeFixtures.Find("endpointslices", "default", "web-m3n5t");
        var rest = moved.DeepClone().AsObject();
        rest["metadata"]!["name"] = "web-new01";
        rest["metadata"]!["resourceVersion"] = "5000";
        rest["endpoints"] = new JsonArray(moved["endpoints"]![0]!.DeepClone());
        moved["endpoints"] = new JsonArray(moved["endpoints"]![1]!.DeepClone());
        moved["metadata"]!["resourceVersion"] = "5001";
        state.Apply(WatchEventType.Added, KubeFixtures.Parse<KubeEndpointSlice>(rest));
        state.Apply(WatchEventType.Modified, KubeFixtures.Parse<KubeEndpointSlice>(moved));
        var split = Shape(Map(state).Services[s_webId].Instances);

        // Merge: the new slice goes away and the old one holds both again.
        state.Apply(WatchEventType.Deleted, KubeFixtures.Parse<KubeEndpointSlice>(rest));
        state.Apply(WatchEventType.Modified, KubeFixtures.Parse<KubeEndpointSlice>(KubeFixtures.Find("endpointslices", "default", "web-m3n5t")));
        var merged = Shape(Map(state).Services[s_webId].Instances);

        Assert.Equal(before, split);
        Assert.Equal(before, merged);
    }

    private static List<string> Shape(IReadOnlyList<MicroServiceInstance> instances) =>
        [.. instances.Select(i => $"{i.InstanceId} {i.Status} {string.Join(",", i.Endpoints!)} {i.DataCenterInfo?.AvailableZone}")];

    private static KubeMapping Map(ClusterState state) => state.Read(s => SourceMapper.Map(s, Cluster));
}
