namespace Sidecar.Simulation;

internal static class Stats
{
    /// <summary>Nearest-rank percentile; NaN marks samples that never completed (sorted last).</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Select(s => double.IsNaN(s) ? double.PositiveInfinity : s).Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static string Format(double value, string format = "0.00") => double.IsInfinity(value) || double.IsNaN(value) ? "never" : value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
