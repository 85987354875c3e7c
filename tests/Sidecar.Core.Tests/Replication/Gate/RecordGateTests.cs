using Microsoft.Extensions.Time.Testing;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Tests.Replication.Gate;

public sealed class RecordGateTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly ServiceRef s_service = new("default", "default", "svc-1");

    public static long ClockAt(DateTimeOffset time) => time.ToUnixTimeMilliseconds() << 16;

    public static Record Valid(RecordKind kind, string source = "agent:peer") => kind switch
    {
        RecordKind.Service => new(RecordKey.ForService(source, s_service), new(ClockAt(s_now), "peer"),
            new MicroService { ServiceId = "svc-1", AppId = "app", ServiceName = "shop", Version = "1.0.0", Level = "BACK", Status = "UP" }),
        RecordKind.Instance => new(RecordKey.ForInstance(source, s_service, "i-1"), new(ClockAt(s_now), "peer"),
            new MicroServiceInstance { InstanceId = "i-1", ServiceId = "svc-1", HostName = "h", Endpoints = ["rest://10.0.0.1:8080"], Status = "UP",
                HealthCheck = new HealthCheck { Mode = "push", Interval = 30, Times = 3 } }),
        RecordKind.Tags => new(RecordKey.ForTags(source, s_service), new(ClockAt(s_now), "peer"), new TagsValue(new Dictionary<string, string> { ["k"] = "v" })),
        RecordKind.Schema => new(RecordKey.ForSchema(source, s_service, "s1"), new(ClockAt(s_now), "peer"), new SchemaValue("{}", "sum")),
        _ => new(RecordKey.ForDependency(source, s_service, "", "app", "cart"), new(ClockAt(s_now), "peer"), new DependencyValue("", "app", "cart")),
    };

    [Theory]
    [InlineData(RecordKind.Service)]
    [InlineData(RecordKind.Instance)]
    [InlineData(RecordKind.Tags)]
    [InlineData(RecordKind.Schema)]
    [InlineData(RecordKind.Dependency)]
    public void Check_ValidRecordAndItsTombstone_Pass(RecordKind kind)
    {
        var record = Valid(kind);

        Assert.Null(RecordGate.Check(record, s_now));
        Assert.Null(RecordGate.Check(record with { Value = null }, s_now));
    }

    [Fact]
    public void Check_TagsDecodedFromEmptyObject_IsMissingMember()
    {
        Assert.True(RecordValueCodec.TryDecode(RecordKind.Tags, "{}"u8, out var tags));
        var record = Valid(RecordKind.Tags) with { Value = tags };

        Assert.Equal(RecordGate.MissingMember, RecordGate.Check(record, s_now)?.Reason);
    }

    [Theory]
    [InlineData(RecordKind.Service, """{"serviceName":"shop","schemas":[null]}""")]
    [InlineData(RecordKind.Instance, """{"serviceId":"svc-1","hostName":"h","endpoints":[null]}""")]
    [InlineData(RecordKind.Instance, """{"serviceId":"svc-1","hostName":"h","properties":{"a":null}}""")]
    [InlineData(RecordKind.Tags, """{"tags":{"a":null}}""")]
    [InlineData(RecordKind.Schema, """{"summary":"s"}""")]
    [InlineData(RecordKind.Dependency, """{"appId":"app"}""")]
    public void Check_NullWhereTheModelHasNone_IsMissingMember(RecordKind kind, string json)
    {
        Assert.True(RecordValueCodec.TryDecode(kind, System.Text.Encoding.UTF8.GetBytes(json), out var value));
        var record = Valid(kind) with { Value = value };

        Assert.Equal(RecordGate.MissingMember, RecordGate.Check(record, s_now)?.Reason);
    }

    [Fact]
    public void Check_ValueOfAnotherKind_IsMissingMember()
    {
        var record = Valid(RecordKind.Tags) with { Value = new SchemaValue("{}", null) };

        Assert.Equal(RecordGate.MissingMember, RecordGate.Check(record, s_now)?.Reason);
    }

    [Fact]
    public void Check_InstanceBreakingScRules_IsInvalidValueWithTheValidatorsDetail()
    {
        var instance = (MicroServiceInstance)Valid(RecordKind.Instance).Value!;
        var record = Valid(RecordKind.Instance) with { Value = instance with { HostName = new string('h', 65) } };

        var refusal = RecordGate.Check(record, s_now);

        Assert.Equal(RecordGate.InvalidValue, refusal?.Reason);
        Assert.Contains("MicroServiceInstance.HostName", refusal?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ServiceWithBadVersionOrTooManyTags_IsInvalidValue()
    {
        var service = (MicroService)Valid(RecordKind.Service).Value!;
        var tags = Enumerable.Range(0, 101).ToDictionary(i => "k" + i, _ => "v");

        Assert.Equal(RecordGate.InvalidValue, RecordGate.Check(Valid(RecordKind.Service) with { Value = service with { Version = "x.y" } }, s_now)?.Reason);
        Assert.Equal(RecordGate.InvalidValue, RecordGate.Check(Valid(RecordKind.Tags) with { Value = new TagsValue(tags) }, s_now)?.Reason);
    }

    [Theory]
    [InlineData("", RecordKind.Instance, "default", "svc-1", "i-1")]
    [InlineData("agent:peer", RecordKind.Instance, "", "svc-1", "i-1")]
    [InlineData("agent:peer", RecordKind.Instance, "default", "svc 1", "i-1")]
    [InlineData("agent:peer", RecordKind.Instance, "default", "svc-1", "i/1")]
    [InlineData("agent:peer", RecordKind.Instance, "default", "svc-1", "")]
    [InlineData("agent:peer", RecordKind.Service, "default", "svc-1", "extra")]
    [InlineData("agent:peer", RecordKind.Schema, "default", "svc-1", "-bad-")]
    [InlineData("agent:\u0001", RecordKind.Service, "default", "svc-1", "")]
    [InlineData("agent:peer", (RecordKind)9, "default", "svc-1", "")]
    public void Check_BadKey_IsInvalidKey(string source, RecordKind kind, string domain, string serviceId, string item)
    {
        var record = new Record(new RecordKey(source, kind, domain, "default", serviceId, item), new(ClockAt(s_now), "peer"), null);

        Assert.Equal(RecordGate.InvalidKey, RecordGate.Check(record, s_now)?.Reason);
    }

    [Fact]
    public void Check_DependencyWhoseItemIsNotItsProvider_IsInvalidKey()
    {
        var record = Valid(RecordKind.Dependency) with { Value = new DependencyValue("", "app", "other") };

        Assert.Equal(RecordGate.InvalidKey, RecordGate.Check(record, s_now)?.Reason);
    }

    [Fact]
    public void Check_ClockMoreThan60SecondsAhead_IsFutureClock()
    {
        var ahead = Valid(RecordKind.Instance) with { Version = new(ClockAt(s_now.AddSeconds(61)), "peer") };
        var near = Valid(RecordKind.Instance) with { Version = new(ClockAt(s_now.AddSeconds(59)), "peer") };
        var far = Valid(RecordKind.Instance) with { Version = new(long.MaxValue, "peer") };

        Assert.Equal(RecordGate.FutureClock, RecordGate.Check(ahead, s_now)?.Reason);
        Assert.Equal(RecordGate.FutureClock, RecordGate.Check(far with { Value = null }, s_now)?.Reason);
        Assert.Null(RecordGate.Check(near, s_now));
    }

    [Fact]
    public void Admit_Refusals_AreCountedPerOriginAndReason_AndReportedFirstOncePerSource()
    {
        var gate = new RecordGate(new FakeTimeProvider(s_now));
        var reported = new List<RecordRefused>();
        gate.Refused += reported.Add;
        var bad = Valid(RecordKind.Tags) with { Value = new TagsValue(null!) };
        var future = Valid(RecordKind.Instance) with { Version = new(ClockAt(s_now.AddMinutes(5)), "peer") };

        Assert.True(gate.Admit(Valid(RecordKind.Service), RecordOrigin.Gossip));
        Assert.False(gate.Admit(bad, RecordOrigin.Gossip));
        Assert.False(gate.Admit(bad, RecordOrigin.Gossip));
        Assert.False(gate.Admit(future, RecordOrigin.Upstream));
        Assert.False(gate.Admit(bad with { Key = bad.Key with { Source = "agent:other" } }, RecordOrigin.Gossip));

        Assert.Equal(3, gate.RefusedCount(RecordOrigin.Gossip));
        Assert.Equal(3, gate.RefusedCount(RecordOrigin.Gossip, RecordGate.MissingMember));
        Assert.Equal(1, gate.RefusedCount(RecordOrigin.Upstream, RecordGate.FutureClock));
        Assert.Equal(0, gate.RefusedCount(RecordOrigin.Restore));
        Assert.Equal(4, reported.Count);
        Assert.Equal([true, false, true, true], reported.Select(r => r.FirstForSource));
    }
}
