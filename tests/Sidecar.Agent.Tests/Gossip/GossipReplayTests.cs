using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>
/// Key-holding peers that replay captured messages or run with clocks in the future, against real agents (gossip
/// node, transport and replica) on loopback.
/// </summary>
public sealed class GossipReplayTests : IAsyncDisposable
{
    private static readonly RecordKey s_probe = RecordKey.ForInstance("agent:a", GossipTestRecords.Service, "i-replayed");
    private readonly GossipKeyring _key = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly List<IAsyncDisposable> _disposables = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task CapturedMessages_ReplayedInsideTheWindowChangeNothing_AndAfterItAreDroppedAndCounted()
    {
        // Agent a reaches the target through a wiretap that keeps every datagram and stream it forwards.
        var tap = new Wiretap();
        _disposables.Add(tap);
        var target = await StartAgentAsync("target", advertise: tap.Endpoint);
        tap.ForwardTo(target.Transport.LocalEndpoint!);
        var a = await StartAgentAsync("a");
        a.Agent.Node.Join([tap.Endpoint.ToString()]);
        await WaitForAsync(() => target.Agent.Node.LiveMemberCount == 2 && a.Agent.Node.LiveMemberCount == 2, "a joined the target");

        await a.Replica.WriteAsync(w => { w.Put(s_probe, Instance(s_probe)); return 0; }, Ct);
        await WaitForAsync(() => StateOf(target.Replica) == "alive", "the instance reached the target");
        var captured = tap.Captured();

        await a.Replica.WriteAsync(w => { w.Delete(s_probe); return 0; }, Ct);
        await WaitForAsync(() => StateOf(target.Replica) == "deleted", "the deletion reached the target");

        // Inside the window a replay is delivered, and changes nothing: the tombstone's higher version wins.
        var delivered = target.Transport.Stats.PacketsIn + target.Transport.Stats.StreamsIn;
        await ReplayAsync(captured, target.Transport.LocalEndpoint!);
        await WaitForAsync(() => target.Transport.Stats.PacketsIn + target.Transport.Stats.StreamsIn >= delivered + captured.Count, "the replays were delivered");
        await Task.Delay(300, Ct);
        Assert.Equal("deleted", StateOf(target.Replica));
        Assert.Equal(0, target.Transport.DroppedFor(TransportDrop.Stale));

        // An agent without the tombstone (a fresh one; or one that purged it after --tombstone-retention) would take
        // the replay: after the window it is dropped before parsing...
        var clock = new ShiftedTimeProvider(TimeSpan.FromMinutes(3));
        var fresh = await StartAgentAsync("fresh", time: clock);
        var resurrected = 0;
        using var watch = fresh.Replica.Subscribe(changes =>
        {
            if (changes.Changes.Any(c => c.After.Key == s_probe && !c.After.IsTombstone))
            {
                Interlocked.Increment(ref resurrected);
            }
        });
        await ReplayAsync(captured, fresh.Transport.LocalEndpoint!);
        await WaitForAsync(() => fresh.Transport.DroppedFor(TransportDrop.Stale) == captured.Count, "every replay was dropped as stale");
        await Task.Delay(500, Ct);
        Assert.Equal("absent", StateOf(fresh.Replica));
        Assert.Equal(0, Volatile.Read(ref resurrected));
        Assert.Equal(1, fresh.Agent.Node.LiveMemberCount);
        Assert.Equal(0, fresh.Transport.AuthFailures);

        // ...while the same bytes inside the window would have resurrected it there (so the window is what protected it;
        // the replayed membership then also joins it to the cluster, whose anti-entropy brings the tombstone).
        clock.Offset = TimeSpan.Zero;
        await ReplayAsync(captured, fresh.Transport.LocalEndpoint!);
        await WaitForAsync(() => Volatile.Read(ref resurrected) > 0, "control: the replay inside the window carries the instance");
    }

    [Fact]
    public async Task PeerWithAClockTenMinutesAhead_IsNeverHeard_AndItsRecordsNeverApplied()
    {
        var target = await StartAgentAsync("target");
        var ahead = new ShiftedTimeProvider(TimeSpan.FromMinutes(10));
        var future = await StartAgentAsync("future", time: ahead, replicaTime: ahead);
        var key = RecordKey.ForInstance("agent:future", GossipTestRecords.Service, "i-future");
        await future.Replica.WriteAsync(w => { w.Put(key, Instance(key)); return 0; }, Ct);

        future.Agent.Node.Join([target.Transport.LocalEndpoint!.ToString()]);
        await WaitForAsync(() => target.Transport.DroppedFor(TransportDrop.Future) >= 1, "the future peer's push-pull was dropped");
        await Task.Delay(1000, Ct); // probes and gossip keep coming, and keep being dropped

        Assert.Equal(1, target.Agent.Node.LiveMemberCount);
        Assert.Empty(await target.Replica.WriteAsync(w => w.Records.Where(r => r.Key.Source == "agent:future").ToList(), Ct));
        Assert.Equal(0, target.Agent.ClockRefused);
        var members = GossipEndpoints.Members("target", target.Agent);
        Assert.True(members.Counters.DroppedBy["future"] >= 1);
        Assert.InRange(HybridLogicalClock.ToTime(target.Replica.Clock.Next()), DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(30));
    }

    [Fact]
    public async Task PeerWhoseRecordsCarryFutureVersions_AreRefusedByTheGate_AndTheClockDoesNotMove()
    {
        var target = await StartAgentAsync("target");
        var skewed = await StartAgentAsync("skewed", replicaTime: new ShiftedTimeProvider(TimeSpan.FromDays(365)));
        var key = RecordKey.ForInstance("agent:skewed", GossipTestRecords.Service, "i-skewed");
        await skewed.Replica.WriteAsync(w => { w.Put(key, Instance(key)); return 0; }, Ct);

        skewed.Agent.Node.Join([target.Transport.LocalEndpoint!.ToString()]);
        await WaitForAsync(() => target.Replica.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.FutureClock) >= 1, "the target's gate refused the future version");

        // The envelope was current, so the transport let it through; the replica's gate dropped the record before
        // the clock saw it, so the clock did not follow it either.
        Assert.Equal(0, target.Transport.DroppedFor(TransportDrop.Future));
        Assert.Null(await target.Replica.WriteAsync(w => w.Get(key), Ct));
        Assert.InRange(HybridLogicalClock.ToTime(target.Replica.Clock.Next()), DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(30));
    }

    [Fact]
    public async Task KeyHoldingPeerWithMalformedRecords_NothingApplied_GoodRecordsSpread_GateCounts()
    {
        var target = await StartAgentAsync("target");
        var sender = await StartAgentAsync("sender");
        var good = RecordKey.ForInstance("agent:sender", GossipTestRecords.Service, "i-good");
        var noHost = RecordKey.ForInstance("agent:sender", GossipTestRecords.Service, "i-nohost");
        var nullTags = RecordKey.ForTags("agent:sender", GossipTestRecords.Service);
        await sender.Replica.WriteAsync(w =>
        {
            // The sender's own writer does not validate: this is what a buggy or hostile key holder can put on the wire.
            w.Put(good, Instance(good));
            w.Put(noHost, Instance(noHost) with { HostName = "" });
            w.Put(nullTags, new TagsValue(null!));
            return 0;
        }, Ct);

        sender.Agent.Node.Join([target.Transport.LocalEndpoint!.ToString()]);
        await WaitForAsync(() => StateOf(target.Replica, good) == "alive", "the good record reaching the target");
        await WaitForAsync(() => target.Replica.Gate.RefusedCount(RecordOrigin.Gossip) >= 2, "the target's gate refusing both malformed records");

        Assert.Equal("absent", StateOf(target.Replica, noHost));
        Assert.Equal("absent", StateOf(target.Replica, nullTags));
        Assert.True(target.Replica.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.InvalidValue) >= 1);
        Assert.True(target.Replica.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.MissingMember) >= 1);

        // The target's writer loop is alive: a write after the refusals goes through.
        var after = RecordKey.ForInstance("agent:target", GossipTestRecords.Service, "i-after");
        await target.Replica.WriteAsync(w => { w.Put(after, Instance(after)); return 0; }, Ct);
        Assert.Equal("alive", StateOf(target.Replica, after));
    }

    private static MicroServiceInstance Instance(RecordKey key) =>
        new() { InstanceId = key.Item, ServiceId = GossipTestRecords.Service.ServiceId, HostName = "h", Endpoints = ["rest://10.0.0.1:8080"], Status = "UP" };

    private static string StateOf(Replica replica) => StateOf(replica, s_probe);

    private static string StateOf(Replica replica, RecordKey key)
    {
        var record = replica.WriteAsync(w => w.Get(key), CancellationToken.None).GetAwaiter().GetResult();
        return record is null ? "absent" : record.IsTombstone ? "deleted" : "alive";
    }

    private static async Task ReplayAsync(IReadOnlyList<(bool Stream, byte[] Bytes)> captured, IPEndPoint to)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        foreach (var (stream, bytes) in captured)
        {
            if (stream)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(to, Ct);
                await tcp.GetStream().WriteAsync(bytes, Ct);
            }
            else
            {
                await udp.SendAsync(bytes, to, Ct);
            }
        }
    }

    private async Task<(GossipAgent Agent, Replica Replica, UdpTcpTransport Transport)> StartAgentAsync(
        string name, IPEndPoint? advertise = null, TimeProvider? time = null, TimeProvider? replicaTime = null)
    {
        var replica = new Replica(name, replicaTime ?? TimeProvider.System);
        replica.Start();
        _disposables.Add(replica);
        var port = SidecarProcess.FreePort();
        var settings = new GossipSettings
        {
            Bind = new IPEndPoint(IPAddress.Loopback, port),
            Advertise = advertise ?? new IPEndPoint(IPAddress.Loopback, port),
            Keyring = _key,
            TimeScale = 0.25,
        };
        var agent = new GossipAgent(settings, replica, identityIncarnation: 1, TimeSpan.FromMinutes(10), new GossipOwnership(name), null, time ?? TimeProvider.System,
            NullLoggerFactory.Instance);
        _disposables.Add(agent);
        await agent.StartAsync(Ct);
        return (agent, replica, agent.Transport);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(condition(), $"not within 15 s: {what}");
    }

    /// <summary>Forwards datagrams and stream messages (one per connection) to a target, keeping a copy of each.</summary>
    private sealed class Wiretap : IAsyncDisposable
    {
        private readonly TcpListener _tcp;
        private readonly UdpClient _udp;
        private readonly List<(bool Stream, byte[] Bytes)> _captured = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loops;
        private IPEndPoint? _target;

        public Wiretap()
        {
            while (true)
            {
                _tcp = new TcpListener(IPAddress.Loopback, 0);
                _tcp.Start();
                try
                {
                    _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)_tcp.LocalEndpoint).Port));
                    break;
                }
                catch (SocketException)
                {
                    _tcp.Stop(); // that port is taken for UDP: try another
                }
            }

            Endpoint = (IPEndPoint)_tcp.LocalEndpoint;
            _loops = Task.WhenAll(AcceptAsync(), ReceiveAsync());
        }

        public IPEndPoint Endpoint { get; }

        public void ForwardTo(IPEndPoint target) => _target = target;

        public List<(bool Stream, byte[] Bytes)> Captured()
        {
            lock (_captured)
            {
                return [.. _captured];
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _tcp.Stop();
            _udp.Dispose();
            await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _tcp.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        using var message = new MemoryStream();
                        await client.GetStream().CopyToAsync(message, _stop.Token);
                        Keep(true, message.ToArray());
                        using var forward = new TcpClient();
                        await forward.ConnectAsync(_target!, _stop.Token);
                        await forward.GetStream().WriteAsync(message.ToArray(), _stop.Token);
                    }
                });
            }
        }

        private async Task ReceiveAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _udp.ReceiveAsync(_stop.Token);
                Keep(false, received.Buffer);
                await _udp.SendAsync(received.Buffer, _target!, _stop.Token);
            }
        }

        private void Keep(bool stream, byte[] bytes)
        {
            lock (_captured)
            {
                _captured.Add((stream, bytes));
            }
        }
    }
}
