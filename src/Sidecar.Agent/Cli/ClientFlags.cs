using Sidecar.Cli;

namespace Sidecar.Agent.Cli;

/// <summary>The flags of the client commands (<c>status</c>, <c>members</c>) that query a running agent.</summary>
internal static class ClientFlags
{
    public const string DefaultAgent = "http://127.0.0.1:30100";

    public static readonly Flag[] All =
    [
        new("agent", "The agent's API address", DefaultAgent, "url"),
        new("format", "Output: text (aligned columns) or json (the agent's answers)", "text", "text|json"),
    ];
}
