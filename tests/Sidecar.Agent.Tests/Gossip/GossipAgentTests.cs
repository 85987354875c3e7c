using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Gossip;

public sealed class GossipAgentTests : IAsyncDisposable
{
    private readonly Replica _replica = new("solo", TimeProvider.System);
    private readonly GossipKeyring _keyring = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly GossipAgent _agent;
    private readonly ServiceProvider _services;

    public GossipAgentTests()
    {
        _replica.Start();
        var settings = new GossipSettings
        {
            Bind = new IPEndPoint(IPAddress.Loopback, 0),
            Advertise = new IPEndPoint(IPAddress.Loopback, 7946),
            Keyring = _keyring,
            TimeScale = 0.25,
        };
        _agent = new GossipAgent(settings, _replica, identityIncarnation: 3, TimeSpan.FromMinutes(10), new GossipOwnership("solo"), null, TimeProvider.System, NullLoggerFactory.Instance);
        _services = new ServiceCollection().AddMetrics().AddSingleton(_agent).AddSingleton<GossipInstruments>().BuildServiceProvider();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _services.DisposeAsync();
        await _replica.DisposeAsync();
    }

    [Fact]
    public void Options_ScaleTheLanProfile_AndStartAboveEveryEarlierRun()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), _agent.Options.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(125), _agent.Options.ProbeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), _agent.Options.GossipInterval);
        Assert.Equal(3 * GossipAgent.IncarnationsPerStart, _agent.Options.Incarnation);
        Assert.Equal(GossipKeyring.PacketOverhead, _agent.Options.TransportOverhead);
    }

    [Fact]
    public async Task Instruments_CountAuthenticationFailuresAndLiveMembers()
    {
        var factory = _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var failures = new MetricCollector<long>(factory, GossipInstruments.MeterName, GossipInstruments.AuthFailuresName);
        using var members = new MetricCollector<long>(factory, GossipInstruments.MeterName, GossipInstruments.LiveMembersName);
        _services.GetRequiredService<GossipInstruments>();
        await _agent.StartAsync(Ct);

        using var udp = new UdpClient(AddressFamily.InterNetwork);
        for (var i = 0; i < 3; i++)
        {
            await udp.SendAsync(new byte[100], _agent.Transport.LocalEndpoint!, Ct);
        }

        for (var i = 0; i < 200 && _agent.Transport.AuthFailures < 3; i++)
        {
            await Task.Delay(10, Ct);
        }

        failures.RecordObservableInstruments();
        members.RecordObservableInstruments();
        Assert.Equal(3, failures.LastMeasurement!.Value);
        Assert.Equal(1, members.LastMeasurement!.Value);
    }

    [Fact]
    public async Task Instruments_CountDropsByReasonAndRefusedClocks()
    {
        var factory = _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var dropped = new MetricCollector<long>(factory, GossipInstruments.MeterName, GossipInstruments.DroppedName);
        using var refused = new MetricCollector<long>(factory, GossipInstruments.MeterName, GossipInstruments.ClockRefusedName);
        _services.GetRequiredService<GossipInstruments>();
        await _agent.StartAsync(Ct);

        // A key holder's datagrams: two sent 5 minutes ago (replays), one sent 2 minutes ahead.
        var now = DateTimeOffset.UtcNow;
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        foreach (var sentAt in new[] { now.AddMinutes(-5), now.AddMinutes(-5), now.AddMinutes(2) })
        {
            await udp.SendAsync(_keyring.SealPacket([1, 2, 3], sentAt.ToUnixTimeMilliseconds()), _agent.Transport.LocalEndpoint!, Ct);
        }

        // A record version a day ahead reaches the replica: the gate drops it before the clock sees it, and the clock
        // itself refuses to follow such a value (its own guard, counted by the instrument).
        var future = GossipTestRecords.Instance("agent:other", "i-1", now.AddDays(1).ToUnixTimeMilliseconds() << 16);
        await _replica.MergeAsync([future], RecordOrigin.Gossip, Ct);
        Assert.Equal(1, _replica.Gate.RefusedCount(RecordOrigin.Gossip, RecordGate.FutureClock));
        Assert.False(_replica.Clock.Observe(future.Version.Clock));

        for (var i = 0; i < 500 && _agent.Transport.Dropped < 3; i++)
        {
            await Task.Delay(10, Ct);
        }

        dropped.RecordObservableInstruments();
        refused.RecordObservableInstruments();
        var byReason = dropped.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[GossipInstruments.ReasonTag]!, m => m.Value);
        Assert.Equal(2, byReason["stale"]);
        Assert.Equal(1, byReason["future"]);
        Assert.Equal(0, byReason["handshake_timeout"]);
        Assert.Equal(TransportDrops.Names.Length, byReason.Count);
        Assert.Equal(1, refused.LastMeasurement!.Value);
    }
}
