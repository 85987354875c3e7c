using System.Diagnostics;
using System.Globalization;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Where the start goes: each phase of the agent's start marks its end, and once the listener is up one log line
/// gives the phases in milliseconds, the managed heap and the RSS (the cold-start benchmark reads it; P8, P10).
/// </summary>
internal static partial class StartupProfile
{
    private static readonly Lock s_lock = new();
    private static readonly List<(string Phase, long At)> s_marks = [];
    private static readonly Dictionary<string, long> s_spans = [];

    /// <summary>Ends the phase that ran since the previous mark (or since the process started).</summary>
    public static void Mark(string phase)
    {
        lock (s_lock)
        {
            s_marks.Add((phase, Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>Adds time spent in a phase that runs interleaved with another (e.g. decoding while LiteDB reads).</summary>
    public static void Add(string span, long ticks)
    {
        lock (s_lock)
        {
            s_spans[span] = s_spans.GetValueOrDefault(span) + ticks;
        }
    }

    /// <summary>The phases so far as <c>name=ms</c> pairs, the first one measured from the process's start.</summary>
    public static string Describe()
    {
        var now = Stopwatch.GetTimestamp();
        var sinceStart = TimeProvider.System.GetUtcNow() - Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var origin = now - (long)(sinceStart.TotalSeconds * Stopwatch.Frequency);
        var parts = new List<string>();
        lock (s_lock)
        {
            var previous = origin;
            foreach (var (phase, at) in s_marks)
            {
                parts.Add(Ms(phase, at - previous));
                previous = at;
            }

            parts.Add(Ms("total", now - origin));
            foreach (var (span, ticks) in s_spans)
            {
                parts.Add(Ms("(" + span + ")", ticks));
            }
        }

        var gc = GC.GetGCMemoryInfo();
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"heap={GC.GetTotalMemory(false) / 1048576.0:F1}MiB"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"committed={gc.TotalCommittedBytes / 1048576.0:F1}MiB"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"rss={Environment.WorkingSet / 1048576.0:F1}MiB"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"gcs={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
        return string.Join(' ', parts);
    }

    public static void LogStarted(ILogger logger)
    {
        // One line per start; the guard keeps the analyzer's cost rule honest.
#pragma warning disable CA1873
        if (logger.IsEnabled(LogLevel.Information))
        {
            Started(logger, Describe());
        }
#pragma warning restore CA1873
    }

    private static string Ms(string name, long ticks) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}={ticks * 1000.0 / Stopwatch.Frequency:F1}");

    [LoggerMessage(EventId = 3200, EventName = "StartupProfile", Level = LogLevel.Information,
        Message = "startup phases (ms): {Phases}")]
    private static partial void Started(ILogger logger, string phases);
}
