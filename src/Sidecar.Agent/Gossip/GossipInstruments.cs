using System.Diagnostics.Metrics;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Gossip instruments (meter <see cref="MeterName"/>), created through <see cref="IMeterFactory"/>; observable, read
/// from the transport's and the node's counters when collected.
/// </summary>
internal sealed class GossipInstruments
{
    public const string MeterName = Diagnostics.RegistryInstruments.MeterName;
    public const string AuthFailuresName = "sidecar.gossip.auth_failures";
    public const string DroppedName = "sidecar.gossip.dropped";
    public const string MalformedName = "sidecar.gossip.malformed";
    public const string LiveMembersName = "sidecar.gossip.members.live";
    public const string ClockRefusedName = "sidecar.gossip.clock_refused";
    public const string MembersName = "sidecar.gossip.members";
    public const string MessagesName = "sidecar.gossip.messages";

    /// <summary>The tag of <see cref="DroppedName"/> that names the reason (<see cref="TransportDrops.Names"/>).</summary>
    public const string ReasonTag = "reason";

    public GossipInstruments(IMeterFactory meterFactory, GossipAgent agent)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter(AuthFailuresName, () => agent.Transport.AuthFailures, "{message}",
            "Gossip messages that failed authentication (wrong cluster key or not gossip) and were dropped unparsed.");
        meter.CreateObservableCounter(DroppedName, () => DroppedByReason(agent.Transport), "{message}",
            "Gossip messages and connections dropped, by reason: queue_full, rate_limited, too_large, unreachable, stale (replay), future (peer clock ahead), handshake_timeout, connection_limit, byte_budget, incomplete.");
        meter.CreateObservableCounter(ClockRefusedName, () => agent.ClockRefused, "{record}",
            "Record versions from peers more than 60 s ahead of local time that the replica's clock refused to adopt.");
        meter.CreateObservableCounter(MalformedName, () => agent.Node.MalformedMessages + agent.Application.MalformedDeltas, "{message}",
            "Authenticated gossip messages that did not decode (a bug or an incompatible version).");
        meter.CreateObservableUpDownCounter(LiveMembersName, () => (long)agent.Node.LiveMemberCount, "{member}",
            "Alive and suspect members of the gossip cluster, this agent included.");
        meter.CreateObservableGauge(MembersName, () => MembersByState(agent), "{member}",
            "Members of the gossip cluster this agent knows, by state (alive, suspect, dead, left), this agent included.");
        meter.CreateObservableCounter(MessagesName, () => Messages(agent.Transport.Stats), "{message}",
            "Gossip messages sent and received, by direction (in, out) and transport (udp packets, tcp streams).");
    }

    private static IEnumerable<Measurement<long>> MembersByState(GossipAgent agent)
    {
        var counts = new long[4];
        foreach (var member in agent.Node.Members())
        {
            counts[(int)member.State]++;
        }

        return Enum.GetValues<Sidecar.Gossip.MemberState>().Select(state =>
            new Measurement<long>(counts[(int)state], new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant())));
    }

    private static Measurement<long>[] Messages(TransportStats stats) =>
    [
        Message(stats.PacketsIn, "in", "udp"), Message(stats.PacketsOut, "out", "udp"),
        Message(stats.StreamsIn, "in", "tcp"), Message(stats.StreamsOut, "out", "tcp"),
    ];

    private static Measurement<long> Message(long value, string direction, string transport) =>
        new(value, new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("transport", transport));

    private static IEnumerable<Measurement<long>> DroppedByReason(UdpTcpTransport transport)
    {
        for (var i = 0; i < TransportDrops.Names.Length; i++)
        {
            yield return new Measurement<long>(transport.DroppedFor((TransportDrop)i), new KeyValuePair<string, object?>(ReasonTag, TransportDrops.Names[i]));
        }
    }
}
