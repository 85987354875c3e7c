using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Tests.Replication;

public class MergeTests
{
    private static readonly ServiceRef s_service = new("default", "default", "svc1");

    [Fact]
    public void Apply_SameDeltasInManyRandomOrders_GiveTheSameState()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 50; round++)
        {
            var deltas = RandomDeltas(random, count: 60);
            var reference = Render(ApplyAll(deltas));
            for (var order = 0; order < 20; order++)
            {
                var shuffled = deltas.OrderBy(_ => random.Next()).ToList();
                // Redeliver some deltas too: gossip may deliver a delta more than once.
                shuffled.AddRange(shuffled.Take(random.Next(10)));
                Assert.Equal(reference, Render(ApplyAll(shuffled)));
            }
        }
    }

    [Fact]
    public void Apply_OlderVersionAfterTombstone_DoesNotResurrect()
    {
        var state = new ReplicaState(new SourcePreference("agent:a"));
        var key = RecordKey.ForInstance("agent:b", s_service, "i1");
        state.Apply(ServiceRecord("agent:b", 1));
        state.Apply(new Record(key, new RecordVersion(10, "b"), Instance("i1")));
        state.Apply(new Record(key, new RecordVersion(20, "b"), null));

        var late = state.Apply(new Record(key, new RecordVersion(15, "b"), Instance("i1")));

        Assert.Null(late);
        Assert.Empty(state.Publish().Services[s_service].Instances);
    }

    [Fact]
    public void Apply_EqualClock_WriterIdBreaksTheTie()
    {
        var state = new ReplicaState(new SourcePreference("agent:a"));
        var key = RecordKey.ForInstance("agent:b", s_service, "i1");
        state.Apply(ServiceRecord("agent:b", 1));
        state.Apply(new Record(key, new RecordVersion(10, "z"), Instance("i1", "DOWN")));
        state.Apply(new Record(key, new RecordVersion(10, "a"), Instance("i1", "UP")));

        Assert.Equal("DOWN", state.Publish().Services[s_service].Instances.Single().Instance.Status);
    }

    [Fact]
    public void Publish_SameServiceFromTwoSources_PrefersLocalThenAgentsThenK8sThenSc()
    {
        var state = new ReplicaState(new SourcePreference("agent:me"));
        state.Apply(ServiceRecord("sc:remote", 1, description: "sc"));
        state.Apply(ServiceRecord("k8s:default", 2, description: "k8s"));
        Assert.Equal("k8s", state.Publish().Services[s_service].Service.Description);

        state.Apply(ServiceRecord("agent:peer", 3, description: "peer"));
        Assert.Equal("peer", state.Publish().Services[s_service].Service.Description);

        state.Apply(ServiceRecord("agent:me", 4, description: "me"));
        Assert.Equal("me", state.Publish().Services[s_service].Service.Description);
    }

    [Fact]
    public void Publish_InstancesOfSeveralSources_AreUnitedUnderOneService()
    {
        var state = new ReplicaState(new SourcePreference("agent:me"));
        state.Apply(ServiceRecord("sc:sc2", 1));
        state.Apply(ServiceRecord("agent:me", 1));
        state.Apply(new Record(RecordKey.ForInstance("sc:sc2", s_service, "remote"), new RecordVersion(2, "x"), Instance("remote")));
        state.Apply(new Record(RecordKey.ForInstance("agent:me", s_service, "local"), new RecordVersion(2, "me"), Instance("local")));

        var snapshot = state.Publish();

        Assert.Equal(["local", "remote"], snapshot.Services[s_service].Instances.Select(i => i.Instance.InstanceId));
        var answer = snapshot.Find(new NameKey("default", "default", "", "app", "svc"));
        Assert.NotNull(answer);
        Assert.Contains("\"remote\"", System.Text.Encoding.UTF8.GetString(answer.Body));
    }

    private static ReplicaState ApplyAll(IEnumerable<Record> deltas)
    {
        var state = new ReplicaState(new SourcePreference("agent:w0"));
        foreach (var delta in deltas)
        {
            state.Apply(delta);
        }

        return state;
    }

    /// <summary>Everything a reader can observe: every record and every find answer.</summary>
    private static string Render(ReplicaState state)
    {
        var snapshot = state.Publish();
        var records = state.Records
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => $"{r.Key}@{r.Version.Clock}:{r.Version.Writer}={(r.Value as MicroServiceInstance)?.Status ?? (r.Value is null ? "tomb" : "svc")}");
        var answers = snapshot.Names.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)
            .Select(p => $"{p.Key}:{p.Value.Revision}");
        return string.Join("\n", records.Concat(answers));
    }

    private static List<Record> RandomDeltas(Random random, int count)
    {
        string[] writers = ["w0", "w1", "w2"];
        var deltas = new List<Record>();
        for (var i = 0; i < count; i++)
        {
            var writer = writers[random.Next(writers.Length)];
            var source = "agent:" + writer;
            var clock = random.Next(1, 40);
            var service = new ServiceRef("default", "default", "svc" + random.Next(3));
            deltas.Add(random.Next(4) switch
            {
                0 => new Record(RecordKey.ForService(source, service), new RecordVersion(clock, writer),
                    new MicroService { ServiceId = service.ServiceId, AppId = "app", ServiceName = service.ServiceId, Version = "1.0." + random.Next(3) }),
                1 => new Record(RecordKey.ForInstance(source, service, "i" + random.Next(4)), new RecordVersion(clock, writer), null),
                _ => InstanceDelta(source, service, "i" + random.Next(4), clock, writer, random.Next(2) == 0 ? "UP" : "DOWN"),
            });
        }

        // A version is unique to one write: keep only the first delta with a given (key, version).
        return deltas.DistinctBy(d => (d.Key, d.Version)).ToList();
    }

    private static Record InstanceDelta(string source, ServiceRef service, string id, long clock, string writer, string status) =>
        new(RecordKey.ForInstance(source, service, id), new RecordVersion(clock, writer), Instance(id, status) with { ServiceId = service.ServiceId });

    private static Record ServiceRecord(string source, long clock, string? description = null) =>
        new(RecordKey.ForService(source, s_service), new RecordVersion(clock, source),
            new MicroService { ServiceId = s_service.ServiceId, AppId = "app", ServiceName = "svc", Version = "1.0.0", Description = description });

    private static MicroServiceInstance Instance(string id, string status = "UP") =>
        new() { InstanceId = id, ServiceId = s_service.ServiceId, HostName = "h", Status = status };
}
