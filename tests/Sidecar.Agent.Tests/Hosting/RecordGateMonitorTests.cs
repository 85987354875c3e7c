using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Hosting;

public sealed class RecordGateMonitorTests
{
    [Fact]
    public async Task ApplyDelta_PoisonedTagsFromAPeer_NeverReachesTheReplica_CounterMovesPerOriginAndReason()
    {
        using var services = new ServiceCollection().AddMetrics().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(TimeProvider.System).AddSingleton<RecordGateMonitor>().BuildServiceProvider();
        var monitor = services.GetRequiredService<RecordGateMonitor>();
        using var refused = new MetricCollector<long>(monitor.Refused);
        await using var replica = new Replica("b", TimeProvider.System, gate: monitor.Gate);
        replica.Start();
        using var app = new ReplicaGossipApplication(replica, TimeProvider.System, TimeSpan.FromMinutes(10), NullLogger.Instance);
        var service = new ServiceRef("default", "default", "svc-1");
        var clock = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() << 16;
        Assert.True(RecordValueCodec.TryDecode(RecordKind.Tags, "{}"u8, out var emptyTags));
        var poisoned = new Record(RecordKey.ForTags("agent:a", service), new RecordVersion(clock, "a"), emptyTags);
        var future = new Record(RecordKey.ForTags("agent:a", service), new RecordVersion(long.MaxValue >> 1, "a"), new TagsValue(new Dictionary<string, string> { ["k"] = "v" }));

        Assert.False(app.ApplyDelta(RecordDeltaCodec.Encode(poisoned)));
        Assert.False(app.ApplyDelta(RecordDeltaCodec.Encode(future)));

        Assert.Equal(0, await replica.WriteAsync(w => w.Records.Count(), TestContext.Current.CancellationToken));
        Assert.Empty(app.GetDigest());
        var measurements = refused.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.Equal(["gossip/missing-member", "gossip/future-clock"], measurements.Select(m => $"{m.Tags["origin"]}/{m.Tags["reason"]}"));
        Assert.All(measurements, m => Assert.Equal(1, m.Value));
        Assert.Equal(2, monitor.Gate.RefusedCount(RecordOrigin.Gossip));
    }
}
