using Sidecar.Gossip;

namespace Sidecar.Tests.Gossip;

public class ConvergencePropertyTests
{
    /// <summary>
    /// Whatever the interleaving, duplication and loss of packets, every node ends with the same records: the highest
    /// version of each key, as if all writes had been applied in one order.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Merge_RandomInterleavingsDuplicatesAndLosses_Converges(int seed)
    {
        var random = new Random(seed);
        var names = Enumerable.Range(0, 6).Select(i => "n" + i).ToArray();
        var net = new TestNetwork(seed) { Loss = 0.3, Duplicates = 0.2, Shuffle = true };
        foreach (var name in names)
        {
            net.Add(name, names, new GossipOptions { NodeName = name, Address = name, PushPullInterval = TimeSpan.FromSeconds(5) });
        }

        net.StartAll();
        var reference = new Dictionary<(string, string), (long Clock, string Writer)>();
        for (var i = 0; i < 40; i++)
        {
            // Shared sources (k8s-like, several writers) and per-agent sources, with clashing clocks.
            var writer = names[random.Next(names.Length)];
            var source = random.Next(2) == 0 ? "k8s:east" : "agent:" + writer;
            var key = "key" + random.Next(8);
            var clock = random.Next(1, 20);
            var (node, app) = net.Nodes[writer];
            node.Broadcast(app.Write(source, key, clock, writer), $"{source}/{key}");
            if (!reference.TryGetValue((source, key), out var current) || current.Clock < clock || (current.Clock == clock && string.CompareOrdinal(current.Writer, writer) < 0))
            {
                reference[(source, key)] = (clock, writer);
            }

            net.Run(TimeSpan.FromMilliseconds(random.Next(0, 400)));
        }

        net.Loss = 0.05;
        net.Run(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        var expected = string.Join(";", reference.OrderBy(r => r.Key.Item1, StringComparer.Ordinal).ThenBy(r => r.Key.Item2, StringComparer.Ordinal)
            .Select(r => $"{r.Key.Item1}/{r.Key.Item2}={r.Value.Clock}:{r.Value.Writer}"));
        Assert.All(names, n => Assert.Equal(expected, net.Nodes[n].App.Render()));
    }
}
