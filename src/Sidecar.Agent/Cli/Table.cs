using System.Text;

namespace Sidecar.Agent.Cli;

/// <summary>Plain text columns aligned with spaces, like <c>consul members</c>.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> all = [header, .. rows];
        var widths = Enumerable.Range(0, header.Count).Select(i => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }

    /// <summary>How long ago, shortly: <c>4s</c>, <c>12m</c>, <c>3h</c>, <c>2d</c>; <c>-</c> for never.</summary>
    public static string Age(DateTimeOffset? then, DateTimeOffset now)
    {
        if (then is not { } time)
        {
            return "-";
        }

        var age = now - time;
        return age.TotalSeconds < 0 ? "0s"
            : age.TotalSeconds < 120 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
