using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;

namespace Sidecar.Simulation.Tests;

/// <summary>The simulated agents run the real bridge rules: the record gate and the dead-source drop.</summary>
public class BridgeRulesTests
{
    [Fact]
    public void Broadcast_FutureClockAndInvalidInstance_RefusedByEveryGateWhileValidRecordSpreads()
    {
        var cluster = new Cluster(new SimConfig { Nodes = 20, Seed = 3, Loss = 0.05 }, new NullObserver());
        var loop = cluster.Loop;
        loop.RunUntil(TimeSpan.FromSeconds(2).Ticks);
        var origin = cluster.Hosts[0];
        var valid = origin.App.NewInstance("valid-1");
        // HLC values hold milliseconds in the high 48 bits: five minutes ahead is past the gate's 60 s skew.
        var future = origin.App.NewInstance("future-1") with
        {
            Version = new RecordVersion(valid.Version.Clock + ((long)TimeSpan.FromMinutes(5).TotalMilliseconds << 16), origin.Name),
        };
        var invalid = origin.App.NewInstance("invalid-1");
        invalid = invalid with { Value = (MicroServiceInstance)invalid.Value! with { HostName = "" } };

        foreach (var record in new[] { future, invalid, valid })
        {
            origin.Node.Broadcast(RecordDeltaCodec.Encode(record), record.Key.Item);
        }

        loop.RunUntil(loop.Now + TimeSpan.FromSeconds(60).Ticks);

        var others = cluster.Hosts.Skip(1).ToList();
        Assert.All(others, h => Assert.True(h.App.Has(origin.App.LocalSource, "valid-1"), h.Name));
        Assert.All(others, h => Assert.False(h.App.Has(origin.App.LocalSource, "future-1"), h.Name));
        Assert.All(others, h => Assert.False(h.App.Has(origin.App.LocalSource, "invalid-1"), h.Name));
        // A refused record is not passed on, so only the members the origin itself sent it to refuse it.
        Assert.True(others.Sum(h => h.App.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.FutureClock)) >= 1);
        Assert.True(others.Sum(h => h.App.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.InvalidValue)) >= 1);
        Assert.All(others, h => Assert.Equal(0, h.App.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.MissingMember)));
    }

    [Fact]
    public void Crash_SeededCluster_DeadSourceDroppedEverywhereAndLateDeltaIgnored()
    {
        var cluster = new Cluster(new SimConfig { Nodes = 20, Seed = 4, SeedRecords = true }, new NullObserver());
        var loop = cluster.Loop;
        loop.RunUntil(TimeSpan.FromSeconds(2).Ticks);
        Assert.All(cluster.Hosts, h => Assert.Equal(20, h.App.SourceCount));
        var crashed = cluster.Hosts[5];
        var late = crashed.App.NewInstance("late-1");

        cluster.Crash(crashed);
        loop.RunUntil(loop.Now + TimeSpan.FromSeconds(60).Ticks);
        var running = cluster.Running.ToList();
        running[0].Node.Broadcast(RecordDeltaCodec.Encode(late), "late-1");
        loop.RunUntil(loop.Now + TimeSpan.FromSeconds(30).Ticks);

        Assert.All(running, h => Assert.Equal(19, h.App.SourceCount));
        Assert.All(running, h => Assert.False(h.App.Has(crashed.App.LocalSource, "instance"), h.Name));
        Assert.All(running, h => Assert.False(h.App.Has(crashed.App.LocalSource, "late-1"), h.Name));
    }
}
