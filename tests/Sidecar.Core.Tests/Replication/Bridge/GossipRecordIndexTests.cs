using Microsoft.Extensions.Time.Testing;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;
using Sidecar.Tests.Replication.Gate;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Tests.Replication.Bridge;

public sealed class GossipRecordIndexTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void TryAccept_DeltaWithPoisonedAndFutureRecords_AcceptsOnlyTheValidOnes_AndCountsTheRest()
    {
        var gate = new RecordGate(new FakeTimeProvider(s_now));
        var index = new GossipRecordIndex(gate, TimeSpan.FromMinutes(10));
        Assert.True(RecordValueCodec.TryDecode(RecordKind.Tags, "{}"u8, out var emptyTags));
        var valid = RecordGateTests.Valid(RecordKind.Instance);
        var poisoned = RecordGateTests.Valid(RecordKind.Tags) with { Value = emptyTags };
        var future = RecordGateTests.Valid(RecordKind.Service) with { Version = new RecordVersion(RecordGateTests.ClockAt(s_now.AddMinutes(2)), "peer") };
        var delta = Assert.Single(RecordDeltaCodec.Encode([poisoned, valid, future], int.MaxValue));
        var accepted = new List<Record>();

        Assert.True(index.TryAccept(delta, s_now, accepted));

        Assert.Equal([valid.Key], accepted.Select(r => r.Key));
        Assert.Equal([valid.Key], index.RecordsOf("agent:peer").Select(r => r.Key));
        Assert.Equal(1, gate.RefusedCount(RecordOrigin.Gossip, RecordGate.MissingMember));
        Assert.Equal(1, gate.RefusedCount(RecordOrigin.Gossip, RecordGate.FutureClock));
    }

    [Fact]
    public void TryAccept_DroppedSourceOrOldTombstone_IsIgnored_UntilUndropped()
    {
        var index = new GossipRecordIndex(new RecordGate(new FakeTimeProvider(s_now)), TimeSpan.FromMinutes(10));
        var record = RecordGateTests.Valid(RecordKind.Instance);
        var oldTombstone = RecordGateTests.Valid(RecordKind.Schema) with { Value = null, Version = new RecordVersion(RecordGateTests.ClockAt(s_now.AddMinutes(-11)), "peer") };
        var accepted = new List<Record>();
        index.Drop("agent:peer", 1);

        Assert.True(index.TryAccept(RecordDeltaCodec.Encode(record), s_now, accepted));
        Assert.Empty(accepted);

        index.Undrop("agent:peer");
        Assert.True(index.TryAccept(Assert.Single(RecordDeltaCodec.Encode([record, oldTombstone], int.MaxValue)), s_now, accepted));
        Assert.Equal([record.Key], accepted.Select(r => r.Key));
        Assert.False(index.TryAccept([1, 2, 3], s_now, accepted));
    }
}
