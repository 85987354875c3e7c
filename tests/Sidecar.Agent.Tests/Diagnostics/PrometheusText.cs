using System.Globalization;
using System.Text;

namespace Sidecar.Agent.Tests.Diagnostics;

/// <summary>One sample of a scrape: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A small parser of the Prometheus text format (0.0.4): <c># TYPE</c> lines and samples
/// <c>name{label="value",…} value [timestamp]</c> with the format's escapes; throws on a line it cannot read, so a
/// malformed exposition fails the test.
/// </summary>
internal sealed class PrometheusText
{
    private PrometheusText(List<PrometheusSample> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name to its type (counter, gauge, histogram, …).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public IEnumerable<PrometheusSample> Find(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The sum of the matching samples; null when there is none.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        Find(name, labels).ToList() is { Count: > 0 } found ? found.Sum(s => s.Value) : null;

    private static PrometheusSample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                if (line[eq + 1] != '"')
                {
                    throw new FormatException($"label value not quoted: {line}");
                }

                var value = new StringBuilder();
                i = eq + 2;
                for (; line[i] != '"'; i++)
                {
                    value.Append(line[i] != '\\' ? line[i] : line[++i] switch { 'n' => '\n', var c => c });
                }

                labels[key] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        var number = rest[0] switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, var n => double.Parse(n, CultureInfo.InvariantCulture) };
        return name.Length == 0 ? throw new FormatException($"no metric name: {line}") : new PrometheusSample(name, labels, number);
    }
}
