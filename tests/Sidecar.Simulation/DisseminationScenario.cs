namespace Sidecar.Simulation;

/// <summary>P4: how fast one registration reaches 50 / 99 / 99.9 / 100 % of the agents.</summary>
internal sealed class DisseminationScenario : NullObserver
{
    private static readonly double[] s_levels = [0.5, 0.99, 0.999, 1.0];
    private readonly Dictionary<(string Source, string Key), Track> _tracks = [];
    private int _nodes;
    private Cluster? _cluster;

    public List<double[]> Times { get; } = [];

    public long Events { get; private set; }

    public void Run(SimConfig config, int deltas, TimeSpan spacing)
    {
        _nodes = config.Nodes;
        _cluster = new Cluster(config, this);
        var loop = _cluster.Loop;
        var start = TimeSpan.FromSeconds(3).Ticks;
        for (var j = 0; j < deltas; j++)
        {
            var key = "instance-" + j;
            loop.At(start + (j * spacing.Ticks), () =>
            {
                var origin = _cluster.Hosts[_cluster.Random.Next(_cluster.Hosts.Count)];
                _tracks[(origin.App.LocalSource, key)] = new Track(loop.Now) { Count = 1 };
                origin.Node.Broadcast(origin.App.Write(key), key);
            });
        }

        var end = start + (deltas * spacing.Ticks) + TimeSpan.FromSeconds(30).Ticks;
        loop.RunUntil(end, () => _tracks.Count == deltas && _tracks.Values.All(t => t.Reached[^1] >= 0));
        Events += loop.Processed;
        foreach (var track in _tracks.Values)
        {
            Times.Add([.. track.Reached.Select(r => r < 0 ? double.NaN : TimeSpan.FromTicks(r - track.Start).TotalSeconds)]);
        }

        _tracks.Clear();
    }

    public override void RecordLearned(SimHost host, string source, string key)
    {
        if (!_tracks.TryGetValue((source, key), out var track))
        {
            return;
        }

        track.Count++;
        for (var i = 0; i < s_levels.Length; i++)
        {
            if (track.Reached[i] < 0 && track.Count >= Math.Ceiling(s_levels[i] * _nodes))
            {
                track.Reached[i] = _cluster!.Loop.Now;
            }
        }
    }

    private sealed class Track(long start)
    {
        public long Start { get; } = start;

        public int Count { get; set; }

        public long[] Reached { get; } = [-1, -1, -1, -1];
    }
}
