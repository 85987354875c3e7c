namespace Sidecar.Kubernetes.Cli;

/// <summary>
/// Parses <c>--flag value</c>, <c>--flag=value</c> and short aliases against a fixed set of flags; every flag
/// also reads env <c>SIDECAR_&lt;FLAG&gt;</c> (<c>-</c> as <c>_</c>), the command line winning
/// (ARCHITECTURE section 6).
/// </summary>
internal sealed class FlagSet(IEnumerable<string> flags, IReadOnlyDictionary<string, string>? aliases = null)
{
    private readonly HashSet<string> _flags = flags.ToHashSet(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _aliases = aliases ?? new Dictionary<string, string>();

    /// <summary>Returns the flag values, or <see langword="null"/> and one line naming the bad flag.</summary>
    public Dictionary<string, string>? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var flag in _flags)
        {
            var fromEnv = environment("SIDECAR_" + flag.ToUpperInvariant().Replace('-', '_'));
            if (!string.IsNullOrEmpty(fromEnv))
            {
                values[flag] = fromEnv;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 2)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            var name = _aliases.TryGetValue(arg, out var aliased) ? aliased
                : arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : null;
            if (name is null || !_flags.Contains(name))
            {
                error = arg.StartsWith('-') ? $"unknown flag {arg}" : $"unexpected argument '{arg}'";
                return null;
            }

            if (!seen.Add(name))
            {
                error = $"flag --{name} is given twice";
                return null;
            }

            if (inline is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = $"flag --{name} needs a value";
                    return null;
                }

                inline = args[++i];
            }

            values[name] = inline;
        }

        error = null;
        return values;
    }
}
