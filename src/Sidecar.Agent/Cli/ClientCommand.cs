using Sidecar.Agent.Gossip;
using Sidecar.Agent.Sources;

namespace Sidecar.Agent.Cli;

/// <summary>
/// The one shape of the client commands (<c>status</c>, <c>members</c>): parse the flags, fetch the agent's answers,
/// print them as text or as the agent's JSON. An unreachable agent or an error answer is one line on stderr, exit 1.
/// </summary>
internal static class ClientCommand
{
    /// <summary>What the agent answered: <c>/v1/members</c> always, <c>/v1/sources</c> when asked for; parsed and as sent.</summary>
    public sealed record Answers(Uri Agent, MembersResponse Members, string MembersJson, SourcesResponse? Sources, string? SourcesJson);

    /// <param name="command">The command's name, e.g. <c>members</c>.</param>
    /// <param name="description">Its one line for help.</param>
    /// <param name="withSources">Also fetch <c>/v1/sources</c>.</param>
    /// <param name="text">The text rendering (<c>--format text</c>).</param>
    /// <param name="json">The JSON rendering (<c>--format json</c>), made of the agent's answers.</param>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="stdout">Receives the rendering (or help).</param>
    /// <param name="stderr">Receives the one error line.</param>
    /// <param name="cancellationToken">Stops the fetch.</param>
    /// <returns>0, 1 when the agent could not answer, 2 for a bad flag (0 after <c>--help</c>).</returns>
    public static async Task<int> RunAsync(string command, string description, bool withSources, Func<Answers, string> text, Func<Answers, string> json,
        string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (AgentQuery.Create(command, description, args, stdout, stderr, out var exitCode) is not { } query)
        {
            return exitCode;
        }

        var (sourcesJson, sources, error) = withSources
            ? await query.GetAsync("/v1/sources", AgentJsonContext.Default.SourcesResponse, cancellationToken)
            : (null, null, null);
        var (membersJson, members, membersError) = error is null
            ? await query.GetAsync("/v1/members", GossipJsonContext.Default.MembersResponse, cancellationToken)
            : ("", null, null);
        if (error is not null || membersError is not null || members is null || (withSources && sources is null))
        {
            await stderr.WriteLineAsync($"sidecar {command}: {error ?? membersError ?? "empty answer"}");
            return 1;
        }

        var answers = new Answers(query.Agent, members, membersJson, sources, sourcesJson);
        await stdout.WriteAsync(query.Json ? json(answers) + "\n" : text(answers));
        return 0;
    }
}
