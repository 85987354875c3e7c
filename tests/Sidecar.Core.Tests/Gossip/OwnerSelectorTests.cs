using Sidecar.Gossip.Owners;

namespace Sidecar.Tests.Gossip;

public class OwnerSelectorTests
{
    private static readonly List<string> s_members = [.. Enumerable.Range(0, 20).Select(i => $"agent-{i}")];
    private static readonly List<string> s_sources = [.. Enumerable.Range(0, 2000).Select(i => $"sc:remote-{i}")];

    [Fact]
    public void Select_SameMembersInAnyOrder_SameOwners()
    {
        var shuffled = s_members.OrderBy(_ => Random.Shared.Next()).ToList();

        foreach (var source in s_sources.Take(50))
        {
            Assert.Equal(OwnerSelector.Select(source, s_members, 2), OwnerSelector.Select(source, shuffled, 2));
        }
    }

    [Fact]
    public void Select_ManySources_LoadIsBalanced()
    {
        var load = s_sources.SelectMany(s => OwnerSelector.Select(s, s_members, 2)).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());

        // 4,000 slots over 20 members: 200 each on average.
        Assert.Equal(20, load.Count);
        Assert.All(load.Values, count => Assert.InRange(count, 140, 260));
    }

    [Fact]
    public void Select_MemberLeaves_OnlyItsSlotsMove()
    {
        var without = s_members.Where(m => m != "agent-3").ToList();

        foreach (var source in s_sources)
        {
            var before = OwnerSelector.Select(source, s_members, 2);
            var after = OwnerSelector.Select(source, without, 2);
            if (before.Contains("agent-3"))
            {
                Assert.Single(after.Except(before));
                Assert.Single(before.Intersect(after));
            }
            else
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Fact]
    public void IsOwner_Standalone_OwnsEverything()
    {
        var selector = new OwnerSelector("me");

        Assert.True(selector.IsOwner("k8s:east"));
        Assert.Equal(["me"], selector.OwnersOf("sc:sc2"));
    }

    [Fact]
    public void UpdateMembers_OwnersChange_RaisesForTrackedSourcesOnly()
    {
        var selector = new OwnerSelector("me", ownersPerSource: 1);
        selector.Track("k8s:east");
        var changes = new List<string>();
        selector.OwnersChanged += (_, e) => changes.AddRange(e.Sources);

        selector.UpdateMembers(s_members);
        var owner = selector.OwnersOf("k8s:east")[0];
        selector.UpdateMembers(s_members);

        Assert.Equal(owner != "me" ? ["k8s:east"] : [], changes);
        Assert.Equal(2, new OwnerSelector("x", 2).OwnersPerSource);
        Assert.Equal(owner == "me", selector.IsOwner("k8s:east"));
    }
}
