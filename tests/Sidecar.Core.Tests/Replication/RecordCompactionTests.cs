using System.Text.Json;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Tests.Replication;

public class RecordCompactionTests
{
    // Built at run time, so equal strings are distinct objects as they are when decoded from JSON.
    private static string Fresh(string value) => new(value.AsSpan());

    private static readonly ServiceRef s_service = new("default", "default", "svc1");

    [Fact]
    public void Apply_KeepsTheSameJsonByteForByte()
    {
        var instance = Instance("i1", zone: "zone-a");
        var state = StateWith(instance);

        var kept = state.Publish().Services[s_service].Instances.Single();

        Assert.Equal(
            JsonSerializer.Serialize(instance, SidecarJsonContext.Default.MicroServiceInstance),
            JsonSerializer.Serialize(kept.Instance, SidecarJsonContext.Default.MicroServiceInstance));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(instance, SidecarJsonContext.Default.MicroServiceInstance), kept.Json);
    }

    [Fact]
    public void Apply_TwoInstancesWithEqualValues_ShareOneCopyOfEachRepeatedString()
    {
        var state = StateWith(Instance("i1", zone: "zone-a"), Instance("i2", zone: "zone-a"));

        var kept = state.Publish().Services[s_service].Instances;
        var (a, b) = (kept[0].Instance, kept[1].Instance);

        Assert.Same(a.Status, b.Status);
        Assert.Same(a.Version, b.Version);
        Assert.Same(a.HealthCheck, b.HealthCheck);
        Assert.Same(a.Properties!.Keys.First(), b.Properties!.Keys.First());
        Assert.Same(a.Properties["zone"], b.Properties["zone"]);
        // The instance's ids are the record key's own strings.
        var keyA = state.Records.Single(r => r.Key.Item == "i1").Key;
        Assert.Same(keyA.Item, a.InstanceId);
        Assert.Same(keyA.ServiceId, a.ServiceId);
        Assert.Same(keyA.Domain, state.Records.Single(r => r.Key.Item == "i2").Key.Domain);
    }

    [Fact]
    public void Apply_Properties_AnswerLookupsInTheirOrder()
    {
        var state = StateWith(Instance("i1", zone: "zone-b"));

        var properties = state.Publish().Services[s_service].Instances.Single().Instance.Properties!;

        Assert.Equal(["zone", "pod"], properties.Keys);
        Assert.Equal("zone-b", properties.GetValueOrDefault("zone"));
        Assert.True(properties.ContainsKey("pod"));
        Assert.False(properties.TryGetValue("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => properties["missing"]);
        Assert.Equal(2, properties.Count);
    }

    [Fact]
    public void Apply_DifferentHealthChecks_AreKeptApart()
    {
        var state = StateWith(Instance("i1", zone: "z", interval: 30), Instance("i2", zone: "z", interval: 60));

        var kept = state.Publish().Services[s_service].Instances;

        Assert.Equal(30, kept[0].Instance.HealthCheck!.Interval);
        Assert.Equal(60, kept[1].Instance.HealthCheck!.Interval);
    }

    private static ReplicaState StateWith(params MicroServiceInstance[] instances)
    {
        var state = new ReplicaState(new SourcePreference("agent:a"));
        state.Apply(new Record(RecordKey.ForService("agent:a", s_service), new RecordVersion(1, "a"),
            new MicroService { ServiceId = s_service.ServiceId, AppId = "app", ServiceName = "svc", Version = "1.0.0" }));
        var clock = 2;
        foreach (var instance in instances)
        {
            var service = new ServiceRef(Fresh("default"), Fresh("default"), Fresh(s_service.ServiceId));
            state.Apply(new Record(RecordKey.ForInstance(Fresh("agent:a"), service, Fresh(instance.InstanceId!)), new RecordVersion(clock++, Fresh("a")), instance));
        }

        return state;
    }

    private static MicroServiceInstance Instance(string id, string zone, long interval = 30) => new()
    {
        InstanceId = Fresh(id),
        ServiceId = Fresh(s_service.ServiceId),
        HostName = "h-" + id,
        Endpoints = new List<string> { "rest://10.0.0.1:8080" },
        Status = Fresh("UP"),
        Version = Fresh("1.0.0"),
        Properties = new Dictionary<string, string> { [Fresh("zone")] = Fresh(zone), [Fresh("pod")] = "pod-" + id },
        HealthCheck = new HealthCheck { Mode = Fresh("push"), Interval = interval, Times = 3 },
        Timestamp = Fresh("1796229020"),
    };
}
