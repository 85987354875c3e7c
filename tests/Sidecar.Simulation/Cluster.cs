using Sidecar.Gossip;

namespace Sidecar.Simulation;

/// <summary>N hosts on one virtual clock and network, all started from one shared, converged member list.</summary>
internal sealed class Cluster
{
    private readonly SimConfig _config;
    private readonly ISimObserver _observer;

    public Cluster(SimConfig config, ISimObserver observer)
    {
        _config = config;
        _observer = observer;
        Random = new Random(config.Seed);
        Network = new SimNetwork(Loop, new Random(config.Seed ^ 0x5EED), config.Loss, config.MinLatency, config.MaxLatency);
        for (var i = 0; i < config.Nodes; i++)
        {
            Hosts.Add(NewHost());
        }

        var snapshot = new MemberSnapshot(Hosts.Select(h => new GossipMember(h.Name, h.Address, 0, MemberState.Alive)));
        foreach (var host in Hosts)
        {
            Attach(host, snapshot);
        }

        if (config.SeedRecords)
        {
            // One record object per agent, shared by every replica (records are immutable; keeps 4 M entries small).
            var records = Hosts.Select(h => h.App.NewInstance("instance")).ToList();
            foreach (var host in Hosts)
            {
                foreach (var record in records)
                {
                    host.App.Seed(record);
                }
            }
        }

        foreach (var host in Hosts)
        {
            host.Node.Start();
        }
    }

    public EventLoop Loop { get; } = new();

    public SimNetwork Network { get; }

    public Random Random { get; }

    public List<SimHost> Hosts { get; } = [];

    public IEnumerable<SimHost> Running => Hosts.Where(h => !h.Crashed);

    /// <summary>A new agent that joins through a few running members (a headless Service resolving to several pods).</summary>
    public SimHost Join()
    {
        var host = NewHost();
        Hosts.Add(host);
        Attach(host, MemberSnapshot.Empty);
        host.Node.Start();
        var running = Hosts.Where(h => !h.Crashed && h != host).ToList();
        host.Node.Join(Enumerable.Range(0, 3).Select(_ => running[Random.Next(running.Count)].Address).Distinct());
        return host;
    }

    public int Crashes { get; private set; }

    public void Crash(SimHost host)
    {
        Crashes++;
        host.Crashed = true;
        host.Node.Dispose();
    }

    private SimHost NewHost()
    {
        var i = Hosts.Count;
        return new SimHost(i, $"orders-{i:D5}-7f9c8d6b5-x2x9z", $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:7946");
    }

    private void Attach(SimHost host, MemberSnapshot snapshot)
    {
        var time = new SimTimeProvider(Loop, host);
        host.App = new SimApp(host, _observer, time);
        var options = _config.Options(host.Name, host.Address);
        host.Node = new GossipNode(options, new SimTransport(Network, host), host.App, time, new Random((_config.Seed * 1_000_003) + host.Index), snapshot);
        Network.Add(host);
    }
}
