namespace Sidecar.Agent.Gossip;

/// <summary>One member in <c>GET /v1/members</c>.</summary>
internal sealed record MemberInfo(string Name, string Address, string State, uint Incarnation);

/// <summary>
/// The <c>GET /v1/members</c> answer: the members this agent knows (dead and left ones until they are forgotten),
/// and counters of messages dropped (failed authentication, full queues and rate limits, malformed).
/// </summary>
internal sealed record MembersResponse(string Self, bool Gossip, IReadOnlyList<MemberInfo> Members, GossipCounters Counters);

/// <summary>
/// Counters shown by <c>/v1/members</c>: <paramref name="DroppedBy"/> splits <paramref name="Dropped"/> by reason
/// (<see cref="TransportDrops.Names"/>); <paramref name="ClockRefused"/> counts record versions more than 60 s ahead
/// that the replica's clock refused to adopt.
/// </summary>
internal sealed record GossipCounters(long PacketsIn, long PacketsOut, long StreamsIn, long StreamsOut, long AuthFailures, long Dropped, long Malformed,
    IReadOnlyDictionary<string, long> DroppedBy, long ClockRefused);
