using Microsoft.Extensions.Logging;

namespace Sidecar.Cli;

/// <summary>
/// <c>--log-format text|json</c> and <c>--log-level</c> of the long-running commands (agent, injector). Both formats keep
/// the event id: text is the console's simple format (<c>info: Category[1001]</c>), json the built-in JSON console
/// formatter (one object per line with <c>EventId</c>).
/// </summary>
/// <param name="Json">JSON lines instead of text.</param>
/// <param name="Level">The least severe level written; null keeps the host's default (Information, or appsettings' Logging section).</param>
internal sealed record LogSettings(bool Json, LogLevel? Level)
{
    public const string FormatFlag = "log-format";
    public const string LevelFlag = "log-level";

    /// <summary>The flag definitions, shared by the agent and the injector.</summary>
    public static readonly Flag[] Flags =
    [
        new(FormatFlag, "Log line format: text (with event ids) or json (one object per line, with EventId)", "text", "text|json"),
        new(LevelFlag, "Least severe level logged: trace, debug, information, warning, error, critical or none", "information", "level"),
    ];

    public static readonly string[] Formats = ["text", "json"];

    /// <summary>Reads both settings; null and one line naming the flag when a value is not understood.</summary>
    public static LogSettings? Parse(Func<string, string?> get, out string? error)
    {
        var format = get(FormatFlag);
        if (format is not null && FormatError(FormatFlag, format) is { } formatError)
        {
            error = formatError;
            return null;
        }

        LogLevel? level = null;
        if (get(LevelFlag) is { } levelText)
        {
            if (LevelError(LevelFlag, levelText, out var parsed) is { } levelError)
            {
                error = levelError;
                return null;
            }

            level = parsed;
        }

        error = null;
        return new LogSettings(string.Equals(format, "json", StringComparison.OrdinalIgnoreCase), level);
    }

    public static string? FormatError(string name, string value) =>
        Formats.Contains(value.ToLowerInvariant()) ? null : $"--{name} '{value}' must be text or json";

    /// <summary>Accepts the <see cref="LogLevel"/> names and the usual short forms (info, warn), any case.</summary>
    public static string? LevelError(string name, string value, out LogLevel level)
    {
        level = value.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "information" or "info" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" => LogLevel.Critical,
            "none" => LogLevel.None,
            _ => (LogLevel)(-1),
        };
        return (int)level >= 0 ? null : $"--{name} '{value}' must be one of trace, debug, information, warning, error, critical, none";
    }

    /// <summary>Switches the console to JSON when asked (text is the host's own simple console format) and sets the level.</summary>
    public void Apply(ILoggingBuilder logging)
    {
        if (Json)
        {
            logging.ClearProviders();
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }

        if (Level is { } level)
        {
            // A rule without a category, added after appsettings' rules, so it beats their "Default"; the per-category
            // rules (ASP.NET Core and Polly at Warning) stay more specific.
            logging.SetMinimumLevel(level);
            logging.AddFilter((string?)null, level);
        }
    }
}
