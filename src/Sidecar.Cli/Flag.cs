using System.CommandLine;

namespace Sidecar.Cli;

/// <summary>
/// One flag of a <c>sidecar</c> command: its name, what it does, its default and the env var that also sets it. Each
/// command lists its flags in one place (the agent's in Sidecar.Agent Cli/AgentFlags.cs, the injector's in
/// Sidecar.Kubernetes Cli/InjectorFlags.cs), and help, parsing and the settings layering are all derived from that list.
/// </summary>
/// <param name="Name">Without the leading <c>--</c>.</param>
/// <param name="Help">One sentence for <c>--help</c>.</param>
/// <param name="Default">What applies when no source sets the flag, as shown in help; null when it has none.</param>
/// <param name="ValueName">Shown as <c>--flag &lt;ValueName&gt;</c> in help.</param>
/// <param name="Aliases">Short forms such as <c>-f</c>.</param>
internal sealed record Flag(string Name, string Help, string? Default = null, string ValueName = "value", string[]? Aliases = null)
{
    /// <summary>The environment variable read when the flag is absent: <c>SIDECAR_</c> + the name in capitals, <c>-</c> as <c>_</c>.</summary>
    public string EnvName => EnvNameOf(Name);

    public static string EnvNameOf(string name) => "SIDECAR_" + name.ToUpperInvariant().Replace('-', '_');

    /// <summary>The System.CommandLine option; values stay strings so every source (flag, env, file) goes through the same parser.</summary>
    public Option<string> CreateOption()
    {
        var option = new Option<string>("--" + Name, Aliases ?? [])
        {
            Description = $"{Help} [default: {Default ?? "none"}] [env: {EnvName}]",
            HelpName = ValueName,
        };
        return option;
    }
}
