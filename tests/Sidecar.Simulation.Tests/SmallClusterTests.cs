namespace Sidecar.Simulation.Tests;

/// <summary>A small deterministic run of the simulator, so CI exercises the protocol end to end in seconds.</summary>
public class SmallClusterTests
{
    [Fact]
    public void Dissemination_50AgentsWith10PercentLoss_EveryRegistrationReachesEveryone()
    {
        var scenario = new DisseminationScenario();

        scenario.Run(new SimConfig { Nodes = 50, Seed = 1, Loss = 0.10 }, deltas: 5, TimeSpan.FromSeconds(2));

        Assert.Equal(5, scenario.Times.Count);
        // Everyone, eventually (push-pull closes the tail); half the cluster within a second by gossip alone.
        // At N = 50 the retransmit budget is only 8, so a straggler may wait for push-pull (as in memberlist).
        Assert.All(scenario.Times, t => Assert.False(double.IsNaN(t[3])));
        Assert.All(scenario.Times, t => Assert.True(t[0] < 1.0, $"50 % took {t[0]} s"));
    }

    [Fact]
    public void Failures_50Agents_CrashesDetectedEverywhereAndStallsNeverDeclaredDead()
    {
        var scenario = new FailureScenario();

        scenario.Run(new SimConfig { Nodes = 50, Seed = 2, Loss = 0.05 }, crashes: 2, TimeSpan.FromSeconds(10), 0.1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));

        Assert.Equal(2, scenario.DeadEverywhere.Count);
        Assert.All(scenario.DeadEverywhere, t => Assert.InRange(t, 1, 30));
        Assert.Equal(0, scenario.FalseDead);
    }

    [Fact]
    public void Run_SameSeed_SameResult()
    {
        var first = new DisseminationScenario();
        var second = new DisseminationScenario();

        first.Run(new SimConfig { Nodes = 30, Seed = 9, Loss = 0.1 }, deltas: 2, TimeSpan.FromSeconds(2));
        second.Run(new SimConfig { Nodes = 30, Seed = 9, Loss = 0.1 }, deltas: 2, TimeSpan.FromSeconds(2));

        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Times.SelectMany(t => t), second.Times.SelectMany(t => t));
    }
}
