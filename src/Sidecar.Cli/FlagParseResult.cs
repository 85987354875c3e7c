namespace Sidecar.Cli;

/// <summary>The flags given on the command line, or the one-line error, or that help was printed.</summary>
internal sealed record FlagParseResult(IReadOnlyDictionary<string, string>? Values, string? Error, bool HelpShown);
