using Microsoft.Extensions.Time.Testing;
using Sidecar.Gossip;

namespace Sidecar.Tests.Gossip;

/// <summary>
/// Nodes on a fake clock and a queue of messages delivered by <see cref="Pump"/>, optionally lost, duplicated and
/// reordered at random.
/// </summary>
internal sealed class TestNetwork
{
    private readonly List<(string To, byte[] Bytes, bool Stream)> _inFlight = [];
    private readonly Random _random;

    public TestNetwork(int seed = 1) => _random = new Random(seed);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public Dictionary<string, (GossipNode Node, TestApplication App)> Nodes { get; } = [];

    public HashSet<string> Down { get; } = [];

    public double Loss { get; set; }

    public double Duplicates { get; set; }

    public bool Shuffle { get; set; }

    public GossipNode Add(string name, IEnumerable<string>? members = null, GossipOptions? options = null)
    {
        var app = new TestApplication(name);
        var opts = (options ?? new GossipOptions { NodeName = name, Address = name }) with { NodeName = name, Address = name };
        var snapshot = new MemberSnapshot((members ?? []).Select(m => new GossipMember(m, m, 0, MemberState.Alive)));
        var node = new GossipNode(opts, new Transport(this), app, Time, new Random((int)(StableHash.Of(name) & 0xFFFF)), snapshot);
        Nodes[name] = (node, app);
        return node;
    }

    public void StartAll()
    {
        foreach (var (node, _) in Nodes.Values)
        {
            node.Start();
        }
    }

    public void Pump()
    {
        for (var guard = 0; _inFlight.Count > 0 && guard < 100_000; guard++)
        {
            var index = Shuffle ? _random.Next(_inFlight.Count) : 0;
            var (to, bytes, stream) = _inFlight[index];
            _inFlight.RemoveAt(index);
            if (Down.Contains(to) || !Nodes.TryGetValue(to, out var target) || (!stream && _random.NextDouble() < Loss))
            {
                continue;
            }

            if (!stream && _random.NextDouble() < Duplicates)
            {
                _inFlight.Add((to, bytes, stream));
            }

            if (stream)
            {
                target.Node.HandleStream(bytes);
            }
            else
            {
                target.Node.HandlePacket(bytes);
            }
        }
    }

    /// <summary>Advances the clock in small steps, delivering messages after each.</summary>
    public void Run(TimeSpan duration, TimeSpan? step = null)
    {
        var end = Time.GetUtcNow() + duration;
        while (Time.GetUtcNow() < end)
        {
            Time.Advance(step ?? TimeSpan.FromMilliseconds(50));
            Pump();
        }
    }

    public MemberState StateOf(string observer, string member) =>
        Nodes[observer].Node.TryGetMember(member, out var m) ? m.State : (MemberState)255;

    private sealed class Transport(TestNetwork network) : IGossipTransport
    {
        public void SendPacket(string address, ReadOnlyMemory<byte> packet) => network._inFlight.Add((address, packet.ToArray(), false));

        public void SendStream(string address, ReadOnlyMemory<byte> message) => network._inFlight.Add((address, message.ToArray(), true));
    }
}
