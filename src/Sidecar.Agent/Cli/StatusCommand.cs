using System.Globalization;
using System.Text;
using Sidecar.Agent.Gossip;
using Sidecar.Agent.Sources;

namespace Sidecar.Agent.Cli;

/// <summary><c>sidecar status</c>: the local agent's sources with state and freshness, its members, and counts.</summary>
internal static class StatusCommand
{
    public const string Description = "Shows the local agent's sources (state, age of the last success, counts) and its members";

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        ClientCommand.RunAsync("status", Description, withSources: true,
            a => Render(a.Agent, a.Sources!, a.Members, TimeProvider.System.GetUtcNow()),
            a => $"{{\"agent\":\"{a.Agent}\",\"sources\":{a.SourcesJson},\"members\":{a.MembersJson}}}",
            args, stdout, stderr, cancellationToken);

    public static string Render(Uri agent, SourcesResponse sources, MembersResponse members, DateTimeOffset now)
    {
        var text = new StringBuilder();
        var byState = members.Members.GroupBy(m => m.State).Select(g => $"{g.Count()} {g.Key}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Agent:     {members.Self} at {agent} (gossip {(members.Gossip ? "on" : "off")})");
        text.AppendLine(CultureInfo.InvariantCulture, $"Members:   {string.Join(", ", byState)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Sources:   {sources.Sources.Count} ({sources.Sources.Count(s => s.State != "fresh")} not fresh), {sources.Sources.Sum(s => s.Services)} services, {sources.Sources.Sum(s => s.Instances)} instances");
        text.AppendLine();
        text.Append(Table.Render(
            ["Source", "State", "Age", "Services", "Instances", "Owners", "Last error"],
            sources.Sources.Select(s => (IReadOnlyList<string>)
            [
                s.Source, s.State, Table.Age(s.LastSuccess, now),
                s.Services.ToString(CultureInfo.InvariantCulture), s.Instances.ToString(CultureInfo.InvariantCulture),
                s.Owners.Count > 0 ? string.Join(",", s.Owners) : "-", s.LastError ?? "",
            ])));
        text.AppendLine();
        text.Append(MembersCommand.Render(members));
        return text.ToString();
    }
}
