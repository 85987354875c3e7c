using System.Diagnostics.CodeAnalysis;
using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

/// <summary>
/// SWIM membership with Lifeguard, piggybacked dissemination and push-pull anti-entropy, as a transport- and
/// clock-agnostic state machine: bytes come in through <see cref="HandlePacket"/> / <see cref="HandleStream"/>,
/// timers come from the <see cref="TimeProvider"/>, bytes go out through the <see cref="IGossipTransport"/>.
/// Thread-safe: every entry point takes one lock, and the delegate is called under it.
/// </summary>
public sealed partial class GossipNode : IDisposable
{
    private readonly Lock _gate = new();
    private readonly GossipOptions _options;
    private readonly IGossipTransport _transport;
    private readonly IGossipApplication _app;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly MemberTable _members;
    private readonly MemberEntry _self;
    private readonly BroadcastQueue _broadcasts;
    private readonly Awareness _awareness;
    private readonly ProbeOrder _probeOrder = new();
    private readonly Dictionary<uint, PendingProbe> _pending = [];
    private readonly Queue<(long At, string Name)> _reapQueue = new();
    private readonly List<GossipMessage> _received = [];
    private readonly List<byte[]> _packetParts = [];
    private readonly int _packetPayload;
    private ITimer? _probeTimer;
    private ITimer? _gossipTimer;
    private bool _gossipParked;
    private ITimer? _pushPullTimer;
    private uint _sequence;
    private bool _leaving;
    private bool _disposed;

    public GossipNode(GossipOptions options, IGossipTransport transport, IGossipApplication app, TimeProvider timeProvider, Random? random = null)
        : this(options, transport, app, timeProvider, random ?? new Random(), MemberSnapshot.Empty)
    {
    }

    internal GossipNode(GossipOptions options, IGossipTransport transport, IGossipApplication app, TimeProvider timeProvider, Random random, MemberSnapshot initial)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.NodeName);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Address);
        _options = options;
        _transport = transport;
        _app = app;
        _time = timeProvider;
        _random = random;
        _members = new MemberTable(initial);
        _broadcasts = new BroadcastQueue(options.RetransmitMult, options.MaxQueuedBroadcasts);
        _awareness = new Awareness(options.AwarenessMaxMultiplier);
        _packetPayload = options.PacketBudget - options.TransportOverhead - GossipCodec.PacketHeaderSize;

        var now = _time.GetTimestamp();
        if (_members.Find(options.NodeName) is { } known)
        {
            _self = _members.Writable(known);
            _self.Address = options.Address;
            _members.SetState(_self, Math.Max(options.Incarnation, known.Incarnation), MemberState.Alive, now);
        }
        else
        {
            _self = _members.Add(options.NodeName, options.Address, options.Incarnation, MemberState.Alive, now);
        }

        EnqueueMember(new AliveMessage(_self.Incarnation, _self.Name, _self.Address));
    }

    public string Name => _options.NodeName;

    public string Address => _options.Address;

    /// <summary>This node as the cluster should see it (its incarnation is worth persisting).</summary>
    public GossipMember LocalMember
    {
        get
        {
            lock (_gate)
            {
                return _self.ToMember();
            }
        }
    }

    /// <summary>Alive and suspect members, this node included.</summary>
    public int LiveMemberCount
    {
        get
        {
            lock (_gate)
            {
                return _members.LiveCount;
            }
        }
    }

    /// <summary>True while broadcasts wait to be sent (e.g. to let a leave go out before shutting down).</summary>
    public bool HasPendingBroadcasts
    {
        get
        {
            lock (_gate)
            {
                return _broadcasts.Count > 0;
            }
        }
    }

    /// <summary>Lifeguard health score: 0 is healthy; probes are slowed by score + 1.</summary>
    public int HealthScore
    {
        get
        {
            lock (_gate)
            {
                return _awareness.Score;
            }
        }
    }

    /// <summary>Packets and stream messages dropped because they did not decode.</summary>
    public long MalformedMessages { get; private set; }

    /// <summary>Every known member, dead and left ones included until they are reaped.</summary>
    public IReadOnlyList<GossipMember> Members()
    {
        lock (_gate)
        {
            return [.. _members.All().Select(e => e.ToMember())];
        }
    }

    public bool TryGetMember(string name, [NotNullWhen(true)] out GossipMember? member)
    {
        lock (_gate)
        {
            member = _members.Find(name)?.ToMember();
            return member is not null;
        }
    }

    /// <summary>Starts probing, gossiping and push-pull, each at a random offset so that nodes do not tick together.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_probeTimer is not null)
            {
                return;
            }

            _probeTimer = CreateTimer(ProbeTick, Jitter(_options.ProbeInterval), Timeout.InfiniteTimeSpan);
            _gossipTimer = CreateTimer(GossipTick, Jitter(_options.GossipInterval), _options.GossipInterval);
            _pushPullTimer = CreateTimer(PushPullTick, Jitter(PushPullInterval()), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _probeTimer?.Dispose();
            _gossipTimer?.Dispose();
            _pushPullTimer?.Dispose();
            foreach (var pending in _pending.Values)
            {
                pending.Timer?.Dispose();
            }

            foreach (var entry in _members.All())
            {
                entry.Suspicion?.Dispose();
            }
        }
    }

    private ITimer CreateTimer(Action action, TimeSpan due, TimeSpan period) =>
        _time.CreateTimer(static s => ((Action)s!)(), (Action)(() => Fire(action)), due, period);

    private ITimer After(TimeSpan due, Action action) => CreateTimer(action, due, Timeout.InfiniteTimeSpan);

    private void Fire(Action action)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                action();
            }
        }
    }

    private TimeSpan Jitter(TimeSpan interval) => interval * _random.NextDouble();

    private void Notify(MemberEntry entry) => _app.OnMemberChanged(entry.ToMember());
}
