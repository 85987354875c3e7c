using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Gossip;

internal static class GossipTestRecords
{
    public static readonly ServiceRef Service = new("default", "default", "svc-1");

    public static Record Instance(string source, string instanceId, long clock, string writer = "node-a") =>
        new(RecordKey.ForInstance(source, Service, instanceId), new RecordVersion(clock, writer),
            new MicroServiceInstance { InstanceId = instanceId, ServiceId = Service.ServiceId, HostName = "h-" + instanceId, Endpoints = ["rest://10.0.0.1:8080"], Status = "UP" });

    public static IReadOnlyList<Record> EveryKind(string source) =>
    [
        new(RecordKey.ForService(source, Service), new RecordVersion(1L << 20, "node-a"), new MicroService { ServiceId = "svc-1", AppId = "app", ServiceName = "shop", Version = "1.0.0" }),
        Instance(source, "i-1", (1L << 20) + 1),
        new(RecordKey.ForTags(source, Service), new RecordVersion((1L << 20) + 2, "node-a"), new TagsValue(new Dictionary<string, string> { ["k"] = "v" })),
        new(RecordKey.ForSchema(source, Service, "s1"), new RecordVersion((1L << 20) + 3, "node-a"), new SchemaValue("{}", "sum")),
        new(RecordKey.ForDependency(source, Service, "", "app", "cart"), new RecordVersion((1L << 20) + 4, "node-a"), new DependencyValue("", "app", "cart")),
        new(RecordKey.ForInstance(source, Service, "gone-\u00e9\u4e2d"), new RecordVersion(long.MaxValue, "n\u00f8de"), null),
    ];

    /// <summary>Records compare by key, version and the JSON of their value (values hold lists, compared by reference).</summary>
    public static string Describe(Record record) =>
        $"{record.Key} {record.Version} {(record.Value is null ? "tombstone" : System.Text.Encoding.UTF8.GetString(RecordValueCodec.Encode(record.Key.Kind, record.Value)))}";
}
