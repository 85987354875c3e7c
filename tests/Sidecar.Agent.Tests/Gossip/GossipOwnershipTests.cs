using Sidecar.Agent.Gossip;
using Sidecar.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class GossipOwnershipTests
{
    [Fact]
    public void Standalone_OwnsEveryUpstream()
    {
        var ownership = new GossipOwnership("a");

        Assert.True(ownership.IsOwner("k8s:east"));
        Assert.Equal(["a"], ownership.OwnersOf("sc:remote"));
        Assert.Equal(["b"], ownership.OwnersOf("agent:b"));
    }

    [Fact]
    public void Members_TwoOwnersAmongTheLive_AndAChangeIsNotified()
    {
        var ownership = new GossipOwnership("a");
        var changes = 0;
        ownership.OwnershipChanged += (_, _) => changes++;

        ownership.Update([Member("a"), Member("b"), Member("c"), Member("d", MemberState.Dead)]);
        ownership.Update([Member("a"), Member("b"), Member("c")]);

        Assert.Equal(1, changes);
        var owners = ownership.OwnersOf("k8s:east");
        Assert.Equal(2, owners.Count);
        Assert.DoesNotContain("d", owners);
        Assert.Equal(owners.Contains("a"), ownership.IsOwner("k8s:east"));
    }

    private static GossipMember Member(string name, MemberState state = MemberState.Alive) => new(name, name + ":1", 1, state);
}
