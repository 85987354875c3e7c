using System.Text.Json;
using Sidecar.Gossip;

namespace Sidecar.Agent.Gossip;

/// <summary><c>GET /v1/members</c>: the gossip membership as this agent sees it.</summary>
internal static class GossipEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/members", (HttpContext context, GossipOwnership ownership, IServiceProvider services) =>
        {
            var response = Members(ownership.NodeName, services.GetService<GossipAgent>());
            context.Response.ContentType = "application/json";
            return JsonSerializer.SerializeAsync(context.Response.Body, response, GossipJsonContext.Default.MembersResponse, context.RequestAborted);
        });

    internal static MembersResponse Members(string nodeName, GossipAgent? agent)
    {
        if (agent is null)
        {
            return new MembersResponse(nodeName, false, [new MemberInfo(nodeName, "", "alive", 0)], new GossipCounters(0, 0, 0, 0, 0, 0, 0, new Dictionary<string, long>(), 0));
        }

        var stats = agent.Transport.Stats;
        var members = agent.Node.Members()
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new MemberInfo(m.Name, m.Address, StateName(m.State), m.Incarnation))
            .ToList();
        return new MembersResponse(nodeName, true, members, new GossipCounters(
            stats.PacketsIn, stats.PacketsOut, stats.StreamsIn, stats.StreamsOut, stats.AuthFailures, stats.Dropped,
            agent.Node.MalformedMessages + agent.Application.MalformedDeltas, stats.DroppedBy, agent.ClockRefused));
    }

    private static string StateName(MemberState state) => state switch
    {
        MemberState.Alive => "alive",
        MemberState.Suspect => "suspect",
        MemberState.Dead => "dead",
        _ => "left",
    };
}
