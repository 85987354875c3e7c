using System.Diagnostics.Metrics;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Gossip instruments (meter <see cref="MeterName"/>), created through <see cref="IMeterFactory"/>; observable, read
/// from the transport's and the node's counters when collected.
/// </summary>
internal sealed class GossipInstruments
{
    public const string MeterName = "Sidecar.Agent";
    public const string AuthFailuresName = "sidecar.gossip.auth_failures";
    public const string DroppedName = "sidecar.gossip.dropped";
    public const string MalformedName = "sidecar.gossip.malformed";
    public const string LiveMembersName = "sidecar.gossip.members.live";

    public GossipInstruments(IMeterFactory meterFactory, GossipAgent agent)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter(AuthFailuresName, () => agent.Transport.AuthFailures, "{message}",
            "Gossip messages that failed authentication (wrong cluster key or not gossip) and were dropped unparsed.");
        meter.CreateObservableCounter(DroppedName, () => agent.Transport.Dropped, "{message}",
            "Gossip messages dropped by a full queue, a rate limit, a size limit or an unreachable peer.");
        meter.CreateObservableCounter(MalformedName, () => agent.Node.MalformedMessages + agent.Application.MalformedDeltas, "{message}",
            "Authenticated gossip messages that did not decode (a bug or an incompatible version).");
        meter.CreateObservableUpDownCounter(LiveMembersName, () => (long)agent.Node.LiveMemberCount, "{member}",
            "Alive and suspect members of the gossip cluster, this agent included.");
    }
}
