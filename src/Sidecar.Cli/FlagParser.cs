using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Sidecar.Cli;

/// <summary>
/// Parses one command's arguments with System.CommandLine against its <see cref="Flag"/> list, with the same rules for
/// every command: <c>--flag value</c> or <c>--flag=value</c>, each flag at most once, <c>--help</c> per command, and a
/// bad flag reported as one line (with a suggestion for a typo) for exit code 2.
/// </summary>
internal static class FlagParser
{
    /// <summary>The command as help shows it, under a parent named <c>sidecar</c> so usage reads <c>sidecar agent [options]</c>.</summary>
    public static Command CreateCommand(string name, string description, IReadOnlyList<Flag> flags)
    {
        var command = new Command(name, description);
        foreach (var flag in flags)
        {
            command.Options.Add(flag.CreateOption());
        }

        command.Options.Add(new HelpOption());
        return command;
    }

    /// <summary>Parses <paramref name="args"/> (after the command name).</summary>
    /// <param name="name">The command, e.g. <c>agent</c>.</param>
    /// <param name="description">Its one-line description for help.</param>
    /// <param name="flags">All its flags.</param>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="help">Receives the help text when <c>--help</c> is given.</param>
    public static FlagParseResult Parse(string name, string description, IReadOnlyList<Flag> flags, IReadOnlyList<string> args, TextWriter help)
    {
        var command = CreateCommand(name, description, flags);
        var root = new Command("sidecar") { command };
        // No response files: a value starting with @ is a value.
        var result = root.Parse([name, .. args], new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Action is HelpAction)
        {
            result.Invoke(new InvocationConfiguration { Output = help, Error = help });
            return new FlagParseResult(null, null, HelpShown: true);
        }

        if (result.Errors.Count > 0)
        {
            return new FlagParseResult(null, Describe(name, flags, result.Errors[0], result.UnmatchedTokens), HelpShown: false);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in command.Options.OfType<Option<string>>())
        {
            if (result.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } given)
            {
                values[option.Name[2..]] = given.Tokens[0].Value;
            }
        }

        return new FlagParseResult(values, null, HelpShown: false);
    }

    /// <summary>One line naming the flag.</summary>
    private static string Describe(string command, IReadOnlyList<Flag> flags, ParseError error, IReadOnlyList<string> unmatched)
    {
        if (error.SymbolResult is OptionResult option)
        {
            var flag = option.Option.Name;
            return option.IdentifierTokenCount > 1 ? $"flag {flag} is given twice"
                : option.Tokens.Count == 0 ? $"flag {flag} needs a value"
                : $"flag {flag}: {error.Message}";
        }

        var token = unmatched.Count > 0 ? unmatched[0] : "";
        if (!token.StartsWith('-'))
        {
            return $"unexpected argument '{token}' (flags look like --name value; see 'sidecar {command} --help')";
        }

        var name = token.Split('=', 2)[0];
        var suggestion = Suggest(name, flags.SelectMany(f => (string[])["--" + f.Name, .. f.Aliases ?? []]));
        return $"unknown flag {name} for 'sidecar {command}'{(suggestion is null ? "" : $"; did you mean {suggestion}?")} (see 'sidecar {command} --help')";
    }

    /// <summary>The closest known name within a few edits, or null.</summary>
    public static string? Suggest(string typed, IEnumerable<string> known)
    {
        var best = known.Select(k => (Name: k, Distance: Distance(typed, k))).OrderBy(k => k.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 4) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
