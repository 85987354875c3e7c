using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Sidecar.Kubernetes.Diagnostics;

/// <summary>
/// Listens to the counters of <see cref="SidecarInstruments.MeterName"/> and renders them in the Prometheus text
/// format for <c>GET /metrics</c> (the injector's few counters do not justify an exporter dependency).
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private readonly ConcurrentDictionary<(string Name, string Labels), long> _values = new();
    private readonly ConcurrentDictionary<string, string> _descriptions = new();
    private readonly MeterListener _listener = new();

    public PrometheusMetrics(SidecarInstruments instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        // Only this container's instruments: the listener is process-wide, and other hosts may publish the same names.
        Instrument[] own = [instruments.Injected, instruments.Skipped, instruments.Failed];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (own.Contains(instrument))
            {
                _descriptions[instrument.Name] = instrument.Description ?? "";
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (name, description) in _descriptions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var metric = name.Replace('.', '_') + "_total";
            text.Append(CultureInfo.InvariantCulture, $"# HELP {metric} {description}\n# TYPE {metric} counter\n");
            var series = _values.Where(v => v.Key.Name == name).OrderBy(v => v.Key.Labels, StringComparer.Ordinal).ToList();
            if (series.Count == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{metric} 0\n");
            }

            foreach (var ((_, labels), value) in series)
            {
                text.Append(CultureInfo.InvariantCulture, $"{metric}{labels} {value}\n");
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var labels = tags.Length == 0 ? "" : FormatLabels(tags);
        _values.AddOrUpdate((instrument.Name, labels), measurement, (_, old) => old + measurement);
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            value = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            pairs.Add($"{tag.Key.Replace('.', '_')}=\"{value}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", pairs) + "}";
    }
}
