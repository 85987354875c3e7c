using Sidecar.Gossip;
using Sidecar.Gossip.Wire;

namespace Sidecar.Tests.Gossip;

public class GossipNodeTests
{
    private static readonly string[] s_abc = ["a", "b", "c", "d", "e"];

    private static TestNetwork Cluster(int seed = 1)
    {
        var net = new TestNetwork(seed);
        foreach (var name in s_abc)
        {
            net.Add(name, s_abc);
        }

        net.StartAll();
        return net;
    }

    [Fact]
    public void Probe_HealthyCluster_NobodyIsSuspected()
    {
        var net = Cluster();

        net.Run(TimeSpan.FromSeconds(30));

        foreach (var observer in s_abc)
        {
            Assert.All(s_abc, m => Assert.Equal(MemberState.Alive, net.StateOf(observer, m)));
        }
    }

    [Fact]
    public void Probe_CrashedMember_IsSuspectedThenDeadEverywhere()
    {
        var net = Cluster();
        net.Run(TimeSpan.FromSeconds(3));
        net.Down.Add("c");

        net.Run(TimeSpan.FromSeconds(4));
        Assert.Contains(s_abc.Where(o => o != "c"), o => net.StateOf(o, "c") == MemberState.Suspect);

        // N = 5: min = 4 × log10(5) s ≈ 2.8 s, max = 6 × min ≈ 16.8 s.
        net.Run(TimeSpan.FromSeconds(25));
        Assert.All(s_abc.Where(o => o != "c"), o => Assert.Equal(MemberState.Dead, net.StateOf(o, "c")));
        Assert.Contains(net.Nodes["a"].App.Changes, m => m is { Name: "c", State: MemberState.Dead });
    }

    [Fact]
    public void Suspect_AboutItself_IsRefutedWithHigherIncarnation()
    {
        var net = Cluster();
        var packet = GossipCodec.BuildPacket([MessageEncoder.Encode(new SuspectMessage(0, "a", "b"))]);

        net.Nodes["b"].Node.HandlePacket(packet);
        Assert.Equal(MemberState.Suspect, net.StateOf("b", "a"));
        net.Nodes["a"].Node.HandlePacket(packet);
        Assert.Equal(1u, net.Nodes["a"].Node.LocalMember.Incarnation);
        Assert.Equal(1, net.Nodes["a"].Node.HealthScore);

        net.Run(TimeSpan.FromSeconds(3));
        Assert.All(s_abc, o => Assert.Equal(MemberState.Alive, net.StateOf(o, "a")));
        Assert.True(net.Nodes["b"].Node.TryGetMember("a", out var a) && a.Incarnation == 1);
    }

    [Fact]
    public void Dead_LateAliveWithOldIncarnation_DoesNotResurrect()
    {
        var net = Cluster();
        var b = net.Nodes["b"].Node;
        b.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new DeadMessage(2, "c", "a"))]));
        Assert.Equal(MemberState.Dead, net.StateOf("b", "c"));

        b.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new AliveMessage(2, "c", "c"))]));
        Assert.Equal(MemberState.Dead, net.StateOf("b", "c"));

        b.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new AliveMessage(3, "c", "c"))]));
        Assert.Equal(MemberState.Alive, net.StateOf("b", "c"));
    }

    [Fact]
    public void Packet_ReannouncedDeltaBeforeTheRefutingAlive_AppliedAfterTheMemberIsAliveAgain()
    {
        var net = Cluster();
        var (b, app) = net.Nodes["b"];
        app.IgnoreSourcesOfFailedMembers = true;
        b.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new DeadMessage(2, "c", "a"))]));
        Assert.Equal(MemberState.Dead, net.StateOf("b", "c"));

        // c refuted and re-announced its records: the newer delta is queued, hence packed, before its alive message.
        var delta = TestApplication.Encode("agent:c", "orders", 1, "c");
        b.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new DeltaMessage(delta)), MessageEncoder.Encode(new AliveMessage(3, "c", "c"))]));

        Assert.Equal(MemberState.Alive, net.StateOf("b", "c"));
        Assert.True(app.Records.ContainsKey(("agent:c", "orders")), "the re-announced record was dropped");
    }

    [Fact]
    public void Dead_AboutItself_IsRefuted()
    {
        var net = Cluster();

        net.Nodes["a"].Node.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new DeadMessage(4, "a", "b"))]));

        Assert.Equal(MemberState.Alive, net.Nodes["a"].Node.LocalMember.State);
        Assert.Equal(5u, net.Nodes["a"].Node.LocalMember.Incarnation);
    }

    [Fact]
    public void Leave_OthersSeeLeftNotDead()
    {
        var net = Cluster();
        net.Run(TimeSpan.FromSeconds(2));

        net.Nodes["e"].Node.Leave();
        net.Run(TimeSpan.FromSeconds(2));
        net.Down.Add("e");
        net.Run(TimeSpan.FromSeconds(30));

        Assert.All(s_abc.Where(o => o != "e"), o => Assert.Equal(MemberState.Left, net.StateOf(o, "e")));
    }

    [Fact]
    public void Join_ThroughOneMember_EveryoneLearnsEveryone()
    {
        var net = Cluster();
        var f = net.Add("f");
        f.Start();

        f.Join(["a"]);
        net.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(6, f.LiveMemberCount);
        Assert.All(s_abc, o => Assert.Equal(MemberState.Alive, net.StateOf(o, "f")));
    }

    [Fact]
    public void Broadcast_Delta_ReachesEveryNode()
    {
        var net = Cluster();
        var (node, app) = net.Nodes["a"];

        node.Broadcast(app.Write("i1", 10), "i1");
        net.Run(TimeSpan.FromSeconds(2));

        Assert.All(s_abc, n => Assert.Equal((10L, "a"), net.Nodes[n].App.Records[("agent:a", "i1")]));
    }

    [Fact]
    public void Broadcast_TooLargeForAPacket_GoesByStream()
    {
        var net = Cluster();
        var (node, app) = net.Nodes["a"];
        var key = new string('k', 2000);

        node.Broadcast(app.Write(key, 1));
        net.Pump();

        Assert.All(s_abc, n => Assert.True(net.Nodes[n].App.Records.ContainsKey(("agent:a", key))));
    }

    [Fact]
    public void PushPull_HealsStateMissedByGossip()
    {
        var net = Cluster();
        net.Nodes["a"].App.Write("only-a", 5);
        net.Nodes["b"].App.Write("k8s:east", "svc", 7, "b");

        net.Run(TimeSpan.FromSeconds(95), TimeSpan.FromMilliseconds(200));

        var expected = net.Nodes["a"].App.Render();
        Assert.Contains("only-a", expected);
        Assert.Contains("k8s:east", expected);
        Assert.All(s_abc, n => Assert.Equal(expected, net.Nodes[n].App.Render()));
    }

    [Fact]
    public void HandlePacket_Garbage_IsCountedAndChangesNothing()
    {
        var net = Cluster();
        var a = net.Nodes["a"].Node;
        var before = a.Members();

        a.HandlePacket([1, 2, 3]);
        a.HandleStream([GossipCodec.Magic, GossipCodec.Version, 1, 99]);

        Assert.Equal(2, a.MalformedMessages);
        Assert.Equal(before, a.Members());
    }

    [Fact]
    public void Ping_ForAnotherNodeName_IsIgnored()
    {
        var net = Cluster();
        net.Nodes["a"].Node.HandlePacket(GossipCodec.BuildPacket([MessageEncoder.Encode(new PingMessage(1, "zz", "b", "b"))]));

        net.Pump();

        Assert.Equal(0, net.Nodes["a"].Node.MalformedMessages);
    }
}
