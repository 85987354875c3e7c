using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Cli;

/// <summary><c>sidecar members</c>: the gossip members the local agent knows, one line each (like <c>consul members</c>).</summary>
internal static class MembersCommand
{
    public const string Description = "Lists the agents of the cluster as the local agent sees them: name, address, state";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (AgentQuery.Create("members", Description, args, stdout, stderr, out var exitCode) is not { } query)
        {
            return exitCode;
        }

        var (body, members, error) = await query.GetAsync("/v1/members", GossipJsonContext.Default.MembersResponse, cancellationToken);
        if (error is not null || members is null)
        {
            await stderr.WriteLineAsync($"sidecar members: {error ?? "empty answer"}");
            return 1;
        }

        await stdout.WriteAsync(query.Json ? body + "\n" : Render(members));
        return 0;
    }

    public static string Render(MembersResponse members) => Table.Render(
        ["Node", "Address", "Status", "Incarnation"],
        members.Members.Select(m => (IReadOnlyList<string>)[m.Name, m.Address.Length > 0 ? m.Address : "-", m.State, m.Incarnation.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
}
