using Microsoft.Extensions.Time.Testing;
using Sidecar.Agent.Gossip;
using Sidecar.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class FailedMembersTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void DeadMembersAreTriedUntilAliveLeftOrTimedOut()
    {
        var failed = new FailedMembers(TimeSpan.FromHours(1), _time);
        failed.Observe([Member("self", MemberState.Alive), Member("a", MemberState.Dead), Member("b", MemberState.Dead), Member("c", MemberState.Left)], "self");
        Assert.Equal(["a", "b"], failed.All().Select(m => m.Name).Order());

        // Reaped from the table: still tried. Alive again: reported with how long it was gone, no longer tried.
        _time.Advance(TimeSpan.FromMinutes(20));
        var back = failed.Observe([Member("b", MemberState.Alive)], "self");
        Assert.Equal(("b", TimeSpan.FromMinutes(20)), Assert.Single(back));
        Assert.Equal(("a", "10.0.0.a:7946"), failed.Pick(new Random(1), _ => Assert.Fail("nothing expired yet")));

        // Left is graceful: not tried again.
        failed.Observe([Member("b", MemberState.Dead)], "self");
        failed.Observe([Member("b", MemberState.Left)], "self");
        Assert.Equal(["a"], failed.All().Select(m => m.Name));

        var expired = new List<string>();
        _time.Advance(TimeSpan.FromMinutes(41));
        Assert.Null(failed.Pick(new Random(1), expired.Add));
        Assert.Equal(["a"], expired);
    }

    [Fact]
    public void ADeadMemberSeenAtANewAddressIsTriedThere()
    {
        var failed = new FailedMembers(TimeSpan.FromHours(1), _time);
        failed.Observe([Member("a", MemberState.Dead)], "self");
        failed.Observe([new GossipMember("a", "10.0.0.9:7946", 5, MemberState.Dead)], "self");
        Assert.Equal(("a", "10.0.0.9:7946"), Assert.Single(failed.All()));
    }

    private static GossipMember Member(string name, MemberState state) => new(name, $"10.0.0.{name}:7946", 1, state);
}
