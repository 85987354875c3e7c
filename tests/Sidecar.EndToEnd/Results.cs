using System.Collections.Concurrent;
using System.Globalization;

namespace Sidecar.EndToEnd;

/// <summary>The run's figures, written to tests/Sidecar.EndToEnd/RESULTS.md when the run ends.</summary>
internal static class Results
{
    private static readonly ConcurrentQueue<(string Scenario, string Line)> s_lines = new();

    public static void Add(string scenario, FormattableString line)
    {
        var text = line.ToString(CultureInfo.InvariantCulture);
        s_lines.Enqueue((scenario, text));
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        TestContext.Current.SendDiagnosticMessage(text);
    }

    public static void Write(string repositoryRoot)
    {
        var lines = new List<string>
        {
            "# End-to-end results",
            "",
            $"Written by the last run of tests/Sidecar.EndToEnd ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores).",
            "",
        };
        // The image first, then the scenarios by number, whatever order they ran in.
        foreach (var group in s_lines.GroupBy(l => l.Scenario).OrderBy(g => g.Key == "image" ? "" : g.Key, StringComparer.Ordinal))
        {
            lines.Add("## " + group.Key);
            lines.Add("");
            lines.AddRange(group.Select(l => "- " + l.Line));
            lines.Add("");
        }

        File.WriteAllLines(Path.Combine(repositoryRoot, "tests", "Sidecar.EndToEnd", "RESULTS.md"), lines);
    }
}
