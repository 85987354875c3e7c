using Sidecar.Gossip;

namespace Sidecar.Simulation;

/// <summary>
/// P5: crashes (time until every running agent marks the crashed one dead) and stalls (members that stop processing
/// for a while must not be declared dead).
/// </summary>
internal sealed class FailureScenario : NullObserver
{
    private readonly Dictionary<string, Crash> _crashes = new(StringComparer.Ordinal);
    private Cluster? _cluster;

    public List<double> FirstDeclared { get; } = [];

    public List<double> DeadEverywhere { get; } = [];

    /// <summary>(observer, member) dead declarations of members that never crashed.</summary>
    public int FalseDead { get; private set; }

    public HashSet<string> FalselyDeclared { get; } = new(StringComparer.Ordinal);

    public int Suspicions { get; private set; }

    public int Refutations { get; private set; }

    public long Events { get; private set; }

    public double BytesPerAgentPerSecond { get; private set; }

    /// <summary>Crashes <paramref name="crashes"/> agents, one every <paramref name="spacing"/>; optionally stalls a share of the agents periodically.</summary>
    public void Run(SimConfig config, int crashes, TimeSpan spacing, double stallShare, TimeSpan stall, TimeSpan stallEvery, TimeSpan duration)
    {
        _cluster = new Cluster(config, this);
        var loop = _cluster.Loop;
        var start = TimeSpan.FromSeconds(5).Ticks;
        var stallers = _cluster.Hosts.OrderBy(_ => _cluster.Random.Next()).Take((int)(stallShare * config.Nodes)).ToList();
        foreach (var host in stallers)
        {
            var phase = (long)(_cluster.Random.NextDouble() * stallEvery.Ticks);
            for (var t = start + phase; t < start + duration.Ticks; t += stallEvery.Ticks)
            {
                var at = t;
                loop.At(at, () => host.StalledUntil = Math.Max(host.StalledUntil, at + stall.Ticks));
            }
        }

        var candidates = _cluster.Hosts.Except(stallers).OrderBy(_ => _cluster.Random.Next()).Take(crashes).ToList();
        for (var j = 0; j < candidates.Count; j++)
        {
            var host = candidates[j];
            loop.At(start + (j * spacing.Ticks), () =>
            {
                _crashes[host.Name] = new Crash(loop.Now);
                _cluster.Crash(host);
            });
        }

        var end = start + Math.Max(duration.Ticks, (crashes * spacing.Ticks) + TimeSpan.FromSeconds(120).Ticks);
        loop.RunUntil(start);
        var bytesBefore = _cluster.Hosts.Sum(h => h.BytesSent);
        loop.RunUntil(end, () => duration == TimeSpan.Zero && _crashes.Count == crashes && _crashes.Values.All(c => c.Everywhere >= 0));
        BytesPerAgentPerSecond = (_cluster.Hosts.Sum(h => h.BytesSent) - bytesBefore) / (double)config.Nodes / TimeSpan.FromTicks(loop.Now - start).TotalSeconds;
        Events += loop.Processed;
        foreach (var crash in _crashes.Values)
        {
            FirstDeclared.Add(crash.First < 0 ? double.NaN : TimeSpan.FromTicks(crash.First - crash.At).TotalSeconds);
            DeadEverywhere.Add(crash.Everywhere < 0 ? double.NaN : TimeSpan.FromTicks(crash.Everywhere - crash.At).TotalSeconds);
        }

        _crashes.Clear();
    }

    public override void MemberChanged(SimHost observer, GossipMember member)
    {
        if (member.Name == observer.Name)
        {
            Refutations += member.State == MemberState.Alive ? 1 : 0;
            return;
        }

        Suspicions += member.State == MemberState.Suspect ? 1 : 0;
        if (member.State != MemberState.Dead)
        {
            return;
        }

        if (!_crashes.TryGetValue(member.Name, out var crash))
        {
            FalseDead++;
            FalselyDeclared.Add(member.Name);
            return;
        }

        var now = _cluster!.Loop.Now;
        crash.Declared++;
        if (crash.First < 0)
        {
            crash.First = now;
        }

        if (crash.Everywhere < 0 && crash.Declared >= _cluster.Hosts.Count(h => !h.Crashed))
        {
            crash.Everywhere = now;
        }
    }

    private sealed class Crash(long at)
    {
        public long At { get; } = at;

        public int Declared { get; set; }

        public long First { get; set; } = -1;

        public long Everywhere { get; set; } = -1;
    }
}
