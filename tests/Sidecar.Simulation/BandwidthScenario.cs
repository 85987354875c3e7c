namespace Sidecar.Simulation;

/// <summary>P6 and P7: bytes per agent per second idle and under membership churn, and the owners of upstream sources.</summary>
internal sealed class BandwidthScenario : NullObserver
{
    public static readonly string[] Sources = ["k8s:east", "sc:sc2", "sc:sc3", "sc:sc4", "k8s:west"];

    public double IdleBytesPerAgentPerSecond { get; private set; }

    public double ChurnBytesPerAgentPerSecond { get; private set; }

    public int ChurnChanges { get; private set; }

    /// <summary>Per source: how many running agents believe they own it (their own member view), after churn settles.</summary>
    public Dictionary<string, int> OwnerClaims { get; } = [];

    public long Events { get; private set; }

    public Action<string> Progress { get; init; } = _ => { };

    public void Run(SimConfig config, TimeSpan idle, TimeSpan churn, double changesPerSecond, TimeSpan settle)
    {
        var cluster = new Cluster(config, this);
        var loop = cluster.Loop;
        loop.RunUntil(TimeSpan.FromSeconds(5).Ticks);
        IdleBytesPerAgentPerSecond = Measure(cluster, idle);
        Progress($"idle done, {loop.Processed:N0} events");

        // Churn: graceful leaves and joins alternate; a joining agent registers its instance.
        var step = TimeSpan.FromSeconds(1 / changesPerSecond);
        var changeEnd = loop.Now + churn.Ticks;
        var leave = true;
        for (var t = loop.Now; t < changeEnd; t += step.Ticks)
        {
            var doLeave = leave;
            leave = !leave;
            loop.At(t, () =>
            {
                ChurnChanges++;
                if (doLeave)
                {
                    var running = cluster.Running.ToList();
                    var host = running[cluster.Random.Next(running.Count)];
                    host.Node.Leave();
                    loop.After(TimeSpan.FromSeconds(1), () => cluster.Crash(host));
                }
                else
                {
                    var host = cluster.Join();
                    loop.After(TimeSpan.FromSeconds(1), () => host.Node.Broadcast(host.App.Write("instance"), "instance"));
                }
            });
        }

        ChurnBytesPerAgentPerSecond = Measure(cluster, churn);
        Progress($"churn done, {loop.Processed:N0} events");
        loop.RunUntil(loop.Now + settle.Ticks);
        Events += loop.Processed;
        foreach (var source in Sources)
        {
            OwnerClaims[source] = 0;
        }

        foreach (var host in cluster.Running)
        {
            var live = host.Node.Members().Where(m => m.IsLive).Select(m => m.Name).ToList();
            foreach (var source in Sources)
            {
                if (Sidecar.Gossip.Owners.OwnerSelector.Select(source, live, 2).Contains(host.Name))
                {
                    OwnerClaims[source]++;
                }
            }
        }
    }

    private static double Measure(Cluster cluster, TimeSpan window)
    {
        var before = cluster.Hosts.Sum(h => h.BytesSent);
        var agents = cluster.Running.Count();
        cluster.Loop.RunUntil(cluster.Loop.Now + window.Ticks);
        var agentsAfter = cluster.Running.Count();
        return (cluster.Hosts.Sum(h => h.BytesSent) - before) / ((agents + agentsAfter) / 2.0) / window.TotalSeconds;
    }
}
