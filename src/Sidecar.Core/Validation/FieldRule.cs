using System.Globalization;
using System.Text.RegularExpressions;
using Sidecar.Registry;

namespace Sidecar.Validation;

/// <summary>One field's Service-Center validation rule (<c>pkg/validate/rule.go</c>) and the error it produces.</summary>
/// <remarks>
/// Semantics follow Service-Center: on strings Min checks the length (so Min 1 means non-empty) and Max counts runes;
/// on lists and maps Min/Max count elements and the pattern applies to each element (each key and value); a zero
/// Min or Max is neither checked on strings and lists nor printed. Numbers are always checked against both bounds.
/// A null string is the empty string, as in Go.
/// </remarks>
internal sealed class FieldRule
{
    private readonly int _min;
    private readonly long _max;
    private readonly Func<string, bool>? _match;
    private readonly string? _matchText;

    public FieldRule(string field, int min, long max, Regex pattern, string patternText)
        : this(field, min, max, pattern.IsMatch, patternText)
    {
    }

    public FieldRule(string field, int min, long max, Func<string, bool>? match = null, string? matchText = null)
    {
        Field = field;
        _min = min;
        _max = max;
        _match = match;
        _matchText = matchText;
    }

    /// <summary>The field as Service-Center names it: <c>Type.Field</c>.</summary>
    public string Field { get; }

    public ScError? Check(string? value)
    {
        value ??= "";
        var invalid = (_min > 0 && value.Length < _min)
            || (_max > 0 && value.Length > _max && RuneCount(value) > _max)
            || (_match is not null && !_match(value));
        return invalid ? Fail(value) : null;
    }

    public ScError? Check(long value) =>
        value < _min || (_max != 0 && value > _max) ? Fail(value.ToString(CultureInfo.InvariantCulture)) : null;

    public ScError? CheckEach(IReadOnlyCollection<string?>? values)
    {
        var count = values?.Count ?? 0;
        if ((_min > 0 && count < _min) || (_max > 0 && count > _max))
        {
            return Fail(FormatList(values));
        }

        if (_match is not null && values is not null)
        {
            foreach (var value in values)
            {
                if (!_match(value ?? ""))
                {
                    return Fail(value ?? "");
                }
            }
        }

        return null;
    }

    public ScError? CheckEach(IReadOnlyDictionary<string, string>? map)
    {
        var count = map?.Count ?? 0;
        if ((_min > 0 && count < _min) || (_max > 0 && count > _max))
        {
            return Fail(map is null ? "map[]" : "map[" + string.Join(' ', map.Select(p => p.Key + ":" + p.Value)) + "]");
        }

        if (_match is not null && map is not null)
        {
            foreach (var (key, value) in map)
            {
                if (!_match(key))
                {
                    return Fail(key);
                }

                if (!_match(value ?? ""))
                {
                    return Fail(value ?? "");
                }
            }
        }

        return null;
    }

    /// <summary>The rule as Service-Center prints it, e.g. <c>{Min: 1, Max: 64, Regexp: \S+}</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>(3);
        if (_min != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"Min: {_min}"));
        }

        if (_max != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"Max: {_max}"));
        }

        if (_matchText is not null)
        {
            parts.Add("Regexp: " + _matchText);
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    private ScError Fail(string value) =>
        ScError.InvalidParams($"field '{Field}' invalid value '{value}' does not match rule: {this}");

    private static int RuneCount(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    // Go's %v of a slice: [a b c].
    private static string FormatList(IReadOnlyCollection<string?>? values) =>
        "[" + (values is null ? "" : string.Join(' ', values)) + "]";
}
