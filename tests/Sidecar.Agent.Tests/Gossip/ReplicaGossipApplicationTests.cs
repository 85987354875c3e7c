using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;
using Sidecar.Gossip;
using Sidecar.Registry;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class ReplicaGossipApplicationTests : IAsyncDisposable
{
    private readonly Replica _a = new("a", TimeProvider.System);
    private readonly Replica _b = new("b", TimeProvider.System);
    private readonly ReplicaGossipApplication _appA;
    private readonly ReplicaGossipApplication _appB;
    private readonly List<byte[]> _sentByA = [];
    private readonly List<byte[]> _sentByB = [];

    public ReplicaGossipApplicationTests()
    {
        _a.Start();
        _b.Start();
        _appA = new ReplicaGossipApplication(_a, TimeProvider.System, TimeSpan.FromMinutes(10), NullLogger.Instance);
        _appB = new ReplicaGossipApplication(_b, TimeProvider.System, TimeSpan.FromMinutes(10), NullLogger.Instance);
        _appA.Attach((delta, _) => { lock (_sentByA) { _sentByA.Add(delta.ToArray()); } });
        _appB.Attach((delta, _) => { lock (_sentByB) { _sentByB.Add(delta.ToArray()); } });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _appA.Dispose();
        _appB.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task LocalWrite_IsBroadcastOnce_AndMergesOnThePeerWithoutEcho()
    {
        await RegisterAsync(_a, "i-1");

        var delta = Assert.Single(_sentByA);
        Assert.True(_appB.ApplyDelta(delta));
        Assert.False(_appB.ApplyDelta(delta)); // old news: not rebroadcast by the node
        await WaitForAsync(async () => await CountAsync(_b, "agent:a") == 1);
        Assert.Empty(_sentByB); // what came by gossip is not sent again by the application
        Assert.Equal(_appA.GetDigest(), _appB.GetDigest());
    }

    [Fact]
    public async Task GetDeltas_PeerHoldsAPrefix_SendsOnlyTheNewerRecords()
    {
        for (var i = 0; i < 10; i++)
        {
            await RegisterAsync(_a, "i-" + i);
        }

        foreach (var delta in _sentByA.Take(5))
        {
            _appB.ApplyDelta(delta);
        }

        var deltas = _appA.GetDeltas(["agent:a"], _appB.GetDigest());

        var records = Decode(deltas);
        Assert.Equal(["i-5", "i-6", "i-7", "i-8", "i-9"], records.Select(r => r.Key.Item).Order());
    }

    [Fact]
    public async Task GetDeltas_PeerMissesAnOlderRecord_SendsTheWholeSource()
    {
        for (var i = 0; i < 6; i++)
        {
            await RegisterAsync(_a, "i-" + i);
        }

        foreach (var delta in _sentByA.Where((_, i) => i != 2))
        {
            _appB.ApplyDelta(delta);
        }

        Assert.Equal(6, Decode(_appA.GetDeltas(["agent:a"], _appB.GetDigest())).Count);
        Assert.Empty(_appA.GetDeltas(["agent:a"], _appA.GetDigest()));
        Assert.Equal(6, Decode(_appA.GetDeltas(["agent:a"], [])).Count);
    }

    [Fact]
    public async Task MemberDead_DropsItsSourceAndIgnoresLateDeltas_UntilItIsAliveAgain()
    {
        await RegisterAsync(_a, "i-1");
        await RegisterAsync(_a, "i-2");
        _appB.ApplyDelta(_sentByA[0]);
        await WaitForAsync(async () => await CountAsync(_b, "agent:a") == 1);

        _appB.OnMemberChanged(new GossipMember("a", "127.0.0.1:1", 5, MemberState.Dead));

        await WaitForAsync(async () => await CountAsync(_b, "agent:a") == 0);
        Assert.False(_appB.ApplyDelta(_sentByA[1]));
        Assert.DoesNotContain(_appB.GetDigest(), d => d.Source == "agent:a");
        Assert.True(_appB.IsDropped("agent:a"));

        _appB.OnMemberChanged(new GossipMember("a", "127.0.0.1:1", 6, MemberState.Alive));

        Assert.True(_appB.ApplyDelta(_sentByA[1]));
        await WaitForAsync(async () => await CountAsync(_b, "agent:a") == 1);
    }

    [Fact]
    public async Task LocalDeltas_ReannounceEveryLocalRecord()
    {
        for (var i = 0; i < 30; i++)
        {
            await RegisterAsync(_a, "i-" + i);
        }

        var deltas = _appA.LocalDeltas();

        Assert.All(deltas, d => Assert.True(d.Length <= ReplicaGossipApplication.PacketDeltaBytes + 600));
        Assert.Equal(30, Decode([.. deltas.Select(d => (ReadOnlyMemory<byte>)d)]).Count);
    }

    [Fact]
    public void ApplyDelta_Garbage_IsCountedAndRefused()
    {
        Assert.False(_appB.ApplyDelta([1, 2, 3]));
        Assert.Equal(1, _appB.MalformedDeltas);
    }

    private static List<Record> Decode(IReadOnlyList<ReadOnlyMemory<byte>> deltas)
    {
        var all = new List<Record>();
        foreach (var delta in deltas)
        {
            var part = new List<Record>();
            Assert.True(RecordDeltaCodec.TryDecode(delta.Span, part));
            all.AddRange(part);
        }

        return all;
    }

    private static Task<int> RegisterAsync(Replica replica, string instanceId) => replica.WriteAsync(writer =>
    {
        writer.Put(RecordKey.ForInstance(replica.LocalSource, GossipTestRecords.Service, instanceId),
            new MicroServiceInstance { InstanceId = instanceId, ServiceId = GossipTestRecords.Service.ServiceId, HostName = "h-" + instanceId, Endpoints = ["rest://10.0.0.1:1"] });
        return 0;
    }, Ct);

    private static Task<int> CountAsync(Replica replica, string source) =>
        replica.WriteAsync(writer => writer.Records.Count(r => r.Key.Source == source), Ct);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(10, Ct);
        }

        Assert.Fail("condition not met within 2 s");
    }
}
