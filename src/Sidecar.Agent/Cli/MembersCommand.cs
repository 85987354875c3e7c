using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Cli;

/// <summary><c>sidecar members</c>: the gossip members the local agent knows, one line each (like <c>consul members</c>).</summary>
internal static class MembersCommand
{
    public const string Description = "Lists the agents of the cluster as the local agent sees them: name, address, state";

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        ClientCommand.RunAsync("members", Description, withSources: false, a => Render(a.Members), a => a.MembersJson, args, stdout, stderr, cancellationToken);

    public static string Render(MembersResponse members) => Table.Render(
        ["Node", "Address", "Status", "Incarnation"],
        members.Members.Select(m => (IReadOnlyList<string>)[m.Name, m.Address.Length > 0 ? m.Address : "-", m.State, m.Incarnation.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
}
