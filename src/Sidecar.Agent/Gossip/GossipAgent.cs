using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Sidecar.Agent.Sources;
using Sidecar.Gossip;
using Sidecar.Replication;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// One agent's gossip: the protocol node over the UDP/TCP transport, connected to the replica, the owners of
/// upstream sources and the source tracker. <see cref="GossipHostedService"/> drives it: <see cref="StartAsync"/>,
/// a first <see cref="JoinAsync"/>, <see cref="RunAsync"/> until shutdown, then <see cref="LeaveAsync"/>.
/// </summary>
internal sealed partial class GossipAgent : IAsyncDisposable
{
    /// <summary>Gossip incarnations per agent start: a restart begins above any refutation of the previous run (up to this many).</summary>
    public const uint IncarnationsPerStart = 1024;

    private readonly GossipSettings _settings;
    private readonly Replica _replica;
    private readonly GossipOwnership _ownership;
    private readonly SourceTracker? _tracker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _membersChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly uint _startIncarnation;
    private string? _conflict;
    private volatile bool _settled;
    private long _joinedAt;
    private long _startedAt;
    private int _disposed;

    public GossipAgent(GossipSettings settings, Replica replica, long identityIncarnation, TimeSpan tombstoneRetention, GossipOwnership ownership,
        SourceTracker? tracker, TimeProvider timeProvider, ILoggerFactory loggerFactory, TransportLimits? limits = null, IMemberStore? memberStore = null)
    {
        _settings = settings;
        _replica = replica;
        _ownership = ownership;
        _tracker = tracker;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger("Sidecar.Agent.Gossip");
        _startIncarnation = (uint)Math.Min(uint.MaxValue - IncarnationsPerStart, Math.Max(1, identityIncarnation) * IncarnationsPerStart);
        Options = CreateOptions(replica.NodeName, settings, _startIncarnation);
        Transport = new UdpTcpTransport(settings.Bind, settings.Keyring, limits ?? new TransportLimits(), timeProvider, _logger);
        Application = new ReplicaGossipApplication(replica, timeProvider, tombstoneRetention, _logger);
        Application.MemberChanged += _ => _membersChanged.Writer.TryWrite(true);
        Application.NameConflict += OnNameConflict;
        Node = new GossipNode(Options, Transport, Application, timeProvider);
        _memberStore = memberStore;
        _failed = new FailedMembers(ReconnectTimeout, timeProvider);
    }

    public GossipOptions Options { get; }

    public GossipNode Node { get; }

    public UdpTcpTransport Transport { get; }

    public ReplicaGossipApplication Application { get; }

    /// <summary>Peer record versions more than 60 s ahead that the replica's clock refused to adopt.</summary>
    public long ClockRefused => _replica.Clock.RefusedAhead;

    /// <summary>Another live agent holds this agent's name (the address it announced), seen before this agent settled in.</summary>
    public string? NameConflictAddress => Volatile.Read(ref _conflict);

    /// <summary>The gossip timings: memberlist's LAN profile, every interval multiplied by <see cref="GossipSettings.TimeScale"/>.</summary>
    public static GossipOptions CreateOptions(string nodeName, GossipSettings settings, uint incarnation)
    {
        var lan = new GossipOptions { NodeName = nodeName, Address = Format(settings.Advertise) };
        var scale = settings.TimeScale;
        return lan with
        {
            Incarnation = incarnation,
            ProbeInterval = lan.ProbeInterval * scale,
            ProbeTimeout = lan.ProbeTimeout * scale,
            GossipInterval = lan.GossipInterval * scale,
            PushPullInterval = lan.PushPullInterval * scale,
            GossipToTheDeadTime = lan.GossipToTheDeadTime * scale,
            PacketBudget = 1_400,
            TransportOverhead = GossipKeyring.PacketOverhead,
        };
    }

    /// <summary>Indexes the replica, binds the transport and starts the protocol.</summary>
    /// <exception cref="SocketException">The gossip address cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Application.LoadAsync(cancellationToken);
        LoadSavedMembers();
        Transport.Start(packet => Node.HandlePacket(packet), message => Node.HandleStream(message));
        Application.Attach(Node.Broadcast);
        Node.Start();
        _startedAt = _time.GetTimestamp();
        _ownership.Update(Node.Members());
        Log.Started(_logger, Node.Name, Options.Address, Node.LocalMember.Incarnation, _settings.Bind);
    }

    /// <summary>
    /// Joins through every address of every <c>--join</c> entry (a name may resolve to several) and waits up to
    /// <paramref name="wait"/> for another member to show up.
    /// </summary>
    /// <returns>True when this agent sees another live member.</returns>
    public async Task<bool> JoinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var addresses = await ResolveJoinAsync(cancellationToken);
        foreach (var saved in _savedAddresses)
        {
            if (!addresses.Contains(saved))
            {
                addresses.Add(saved);
            }
        }

        if (addresses.Count == 0)
        {
            return Node.LiveMemberCount > 1;
        }

        Node.Join(addresses);

        // A push-pull to a peer not listening yet (agents launched together) is lost: try again within the wait,
        // 100 ms (scaled) doubling, rather than only on the next attempt seconds later. Repeats are harmless.
        var started = _time.GetTimestamp();
        var resend = Options.ProbeInterval / 10;
        var sentAt = started;
        while (Node.LiveMemberCount <= 1 && NameConflictAddress is null && _time.GetElapsedTime(started) < wait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
            if (Node.LiveMemberCount <= 1 && _time.GetElapsedTime(sentAt) >= resend)
            {
                Node.Join(addresses);
                sentAt = _time.GetTimestamp();
                resend *= 2;
            }
        }

        if (Node.LiveMemberCount > 1 && _joinedAt == 0)
        {
            _joinedAt = _time.GetTimestamp();
            Log.Joined(_logger, Node.LiveMemberCount);
            Reannounce();
        }

        return Node.LiveMemberCount > 1;
    }

    /// <summary>From now on a node announcing this agent's name is logged as an error, no longer a reason to refuse to start.</summary>
    public void MarkSettled() => _settled = true;

    /// <summary>Until shutdown: keeps trying to join while alone, tracks members for owners and sources, re-announces after a refutation.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(JoinLoopAsync(cancellationToken), MembersLoopAsync(cancellationToken), ReconnectLoopAsync(cancellationToken));

    /// <summary>Leaves gracefully: announces it, waits (briefly) for the announcement to go out, stops the protocol.</summary>
    public async Task LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Node.Leave();
        var started = _time.GetTimestamp();
        while (Node.HasPendingBroadcasts && _time.GetElapsedTime(started) < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None);
        }

        // Let the transport flush what the node queued.
        await Task.Delay(TimeSpan.FromMilliseconds(50), _time, CancellationToken.None);
        Log.Left(_logger, Node.Name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Application.Dispose();
        Node.Dispose();
        await Transport.DisposeAsync();
    }

    private static string Format(IPEndPoint endpoint) => endpoint.ToString();

    private async Task JoinLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = FirstJoinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Node.LiveMemberCount <= 1 && (_settings.Join.Count > 0 || _savedAddresses.Count > 0))
            {
                if (await JoinAsync(Options.ProbeInterval * 2, cancellationToken))
                {
                    backoff = FirstJoinBackoff;
                }
                else
                {
                    // Jitter: agents restarted together (a node drain, a rollout) do not retry in step.
                    var delay = backoff * (0.5 + (Random.Shared.NextDouble() * 0.5));
                    Log.JoinRetry(_logger, JoinDescription(), delay);
                    await Task.Delay(delay, _time, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(MaxJoinBackoff.Ticks, backoff.Ticks * 2));
                    continue;
                }
            }

            if (_time.GetElapsedTime(_startedAt) > Options.PushPullInterval * 2)
            {
                DropOrphans();
            }

            await Task.Delay(Options.ProbeInterval * 4, _time, cancellationToken);
        }
    }

    private async Task MembersLoopAsync(CancellationToken cancellationToken)
    {
        var reannouncedAt = Node.LocalMember.Incarnation;
        var states = new Dictionary<string, MemberState>(StringComparer.Ordinal);
        await foreach (var _ in _membersChanged.Reader.ReadAllAsync(cancellationToken))
        {
            var members = Node.Members();
            LogStateChanges(members, states);
            _ownership.Update(members);
            TrackFailedAndSave(members);
            foreach (var member in members)
            {
                if (member.Name == Node.Name)
                {
                    continue;
                }

                if (member.IsLive)
                {
                    _tracker?.Confirm("agent:" + member.Name);
                }
                else
                {
                    _tracker?.Remove("agent:" + member.Name);
                }
            }

            // A refutation means others thought us dead and may have dropped our records: announce them again.
            var incarnation = Node.LocalMember.Incarnation;
            if (incarnation > reannouncedAt)
            {
                reannouncedAt = incarnation;
                Reannounce();
            }
        }
    }

    /// <summary>Logs each member whose state differs from the last time (like Serf's EventMemberJoin/Failed lines).</summary>
    private void LogStateChanges(IReadOnlyList<GossipMember> members, Dictionary<string, MemberState> states)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var member in members)
        {
            if (member.Name != Node.Name && (!states.TryGetValue(member.Name, out var before) || before != member.State))
            {
                states[member.Name] = member.State;
                Log.MemberStateChanged(_logger, member.Name, member.Address, member.State);
            }
        }

        if (states.Count > members.Count)
        {
            // Reaped members: forget them here too.
            var known = members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in states.Keys.Where(n => !known.Contains(n)).ToList())
            {
                states.Remove(name);
            }
        }
    }

    /// <summary>
    /// Drops the persisted sources of agents no member knows (they died while this agent was down, so no death was
    /// seen here). Runs once membership had two push-pull intervals to converge; an agent that shows up later is
    /// alive, which lifts the drop, and its records come back by re-announcement and push-pull.
    /// </summary>
    private void DropOrphans()
    {
        foreach (var source in Application.AgentSources())
        {
            if (!Node.TryGetMember(source["agent:".Length..], out _))
            {
                Application.DropSource(source);
                _tracker?.Remove(source);
            }
        }
    }

    private void Reannounce()
    {
        var deltas = Application.LocalDeltas();
        foreach (var delta in deltas)
        {
            Node.Broadcast(delta);
        }
    }

    private Task<List<string>> ResolveJoinAsync(CancellationToken cancellationToken) =>
        JoinAddressesAsync(_settings.Join, Options.Address, Dns.GetHostAddressesAsync, (host, error) => Log.ResolveFailed(_logger, host, error), cancellationToken);

    /// <summary>
    /// Every address to join through: each <c>--join</c> entry, with a name expanded to all the addresses it resolves
    /// to (the headless peers Service answers one per pod), without this agent's own address or duplicates.
    /// </summary>
    internal static async Task<List<string>> JoinAddressesAsync(
        IReadOnlyList<string> join, string self, Func<string, CancellationToken, Task<IPAddress[]>> resolve, Action<string, SocketError> unresolved,
        CancellationToken cancellationToken)
    {
        var addresses = new List<string>();
        foreach (var peer in join)
        {
            var (host, port) = GossipCommandLine.HostAndPort("join", peer);
            IPAddress[] resolved;
            if (IPAddress.TryParse(host, out var literal))
            {
                resolved = [literal];
            }
            else
            {
                try
                {
                    resolved = await resolve(host, cancellationToken);
                }
                catch (SocketException ex)
                {
                    unresolved(host, ex.SocketErrorCode);
                    continue;
                }
            }

            foreach (var address in resolved)
            {
                var text = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port).ToString();
                if (text != self && !addresses.Contains(text))
                {
                    addresses.Add(text);
                }
            }
        }

        return addresses;
    }

    private void OnNameConflict(string address)
    {
        if (!_settled)
        {
            Interlocked.CompareExchange(ref _conflict, address, null);
        }
        else
        {
            Log.NameConflictLater(_logger, Node.Name, address);
        }
    }

    internal string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Node.Name}@{Options.Address}");
}
