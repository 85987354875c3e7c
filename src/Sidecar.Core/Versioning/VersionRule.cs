namespace Sidecar.Versioning;

/// <summary>
/// A Service-Center version rule (spec §2.1): <c>latest</c>, <c>X+</c>, <c>A-B</c> (end exclusive, swapped when A &gt; B),
/// an exact version, or all versions (absent, empty, <c>0+</c>, <c>0%2B</c>). <c>default</c> is <see cref="All"/>.
/// </summary>
public readonly record struct VersionRule
{
    /// <summary>The longest rule text Service-Center's find validator accepts.</summary>
    public const int MaxLength = 129;

    private VersionRule(VersionRuleKind kind, ServiceVersion start, ServiceVersion end)
    {
        Kind = kind;
        Start = start;
        End = end;
    }

    public VersionRuleKind Kind { get; }

    /// <summary>The lower bound of <see cref="VersionRuleKind.AtLeast"/> and <see cref="VersionRuleKind.Range"/>, or the exact version.</summary>
    public ServiceVersion Start { get; }

    /// <summary>The exclusive upper bound of <see cref="VersionRuleKind.Range"/>.</summary>
    public ServiceVersion End { get; }

    /// <summary>Whether the rule selects every version.</summary>
    public bool IsAll => Kind == VersionRuleKind.All;

    public static VersionRule All => default;

    public static VersionRule Latest => new(VersionRuleKind.Latest, default, default);

    /// <summary><c>X+</c>; <c>0+</c> is <see cref="All"/>.</summary>
    public static VersionRule AtLeast(ServiceVersion start) =>
        start == default ? All : new(VersionRuleKind.AtLeast, start, default);

    /// <summary><c>A-B</c>: <c>A &lt;= v &lt; B</c>, with the bounds swapped when A &gt; B.</summary>
    public static VersionRule Between(ServiceVersion start, ServiceVersion end) =>
        start <= end ? new(VersionRuleKind.Range, start, end) : new(VersionRuleKind.Range, end, start);

    public static VersionRule Exactly(ServiceVersion version) => new(VersionRuleKind.Exact, version, default);

    /// <summary>Parses a rule as a client sends it in the <c>version</c> query parameter.</summary>
    /// <remarks>
    /// Lenient where clients are sloppy: percent-escapes left in the text are decoded (sc-client sends <c>0%2B</c>
    /// escaped twice), and a trailing space stands for <c>+</c> (an unescaped <c>+</c> in a query string decodes as a
    /// space). Otherwise strict: SC's regex <c>^\d+(\.\d+){0,3}\+?$|^\d+(\.\d+){0,3}-\d+(\.\d+){0,3}$|^latest$</c> with
    /// int16 parts, at most <see cref="MaxLength"/> characters.
    /// </remarks>
    public static bool TryParse(string? text, out VersionRule rule)
    {
        rule = All;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        for (var i = 0; i < 2 && text.Contains('%', StringComparison.Ordinal); i++)
        {
            text = Uri.UnescapeDataString(text);
        }

        if (text.Length > 1 && text[^1] == ' ' && text[^2] != ' ')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 1), "+");
        }

        if (text.Length > MaxLength)
        {
            return false;
        }

        if (text == "latest")
        {
            rule = Latest;
            return true;
        }

        var span = text.AsSpan();
        if (span[^1] == '+')
        {
            var ok = ServiceVersion.TryParse(span[..^1], out var start);
            rule = ok ? AtLeast(start) : All;
            return ok;
        }

        var dash = span.IndexOf('-');
        if (dash > 0)
        {
            var ok = ServiceVersion.TryParse(span[..dash], out var start) & ServiceVersion.TryParse(span[(dash + 1)..], out var end);
            rule = ok ? Between(start, end) : All;
            return ok;
        }

        if (ServiceVersion.TryParse(span, out var exact))
        {
            rule = Exactly(exact);
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="version"/> satisfies the rule; <see cref="VersionRuleKind.Latest"/> needs <see cref="Select"/>.</summary>
    /// <exception cref="InvalidOperationException">The rule is <see cref="VersionRuleKind.Latest"/>.</exception>
    public bool Matches(ServiceVersion version) => Kind switch
    {
        VersionRuleKind.All => true,
        VersionRuleKind.AtLeast => version >= Start,
        VersionRuleKind.Range => version >= Start && version < End,
        VersionRuleKind.Exact => version == Start,
        _ => throw new InvalidOperationException("'latest' depends on the candidates; use Select."),
    };

    /// <summary>The candidates whose version satisfies the rule, highest version first.</summary>
    /// <remarks>
    /// <see cref="VersionRuleKind.Latest"/> keeps the candidates of the highest version only. Candidates whose version
    /// does not parse are kept, last, only by <see cref="All"/>. Equal versions keep their input order.
    /// </remarks>
    public IReadOnlyList<T> Select<T>(IEnumerable<T> candidates, Func<T, string?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(versionOf);

        var parsed = new List<(T Item, ServiceVersion Version)>();
        var unparsed = new List<T>();
        foreach (var candidate in candidates)
        {
            if (ServiceVersion.TryParse(versionOf(candidate), out var version))
            {
                parsed.Add((candidate, version));
            }
            else if (IsAll)
            {
                unparsed.Add(candidate);
            }
        }

        IEnumerable<(T Item, ServiceVersion Version)> selected = parsed;
        if (Kind == VersionRuleKind.Latest)
        {
            var highest = parsed.Count == 0 ? default : parsed.Max(p => p.Version);
            selected = parsed.Where(p => p.Version == highest);
        }
        else if (!IsAll)
        {
            var rule = this;
            selected = parsed.Where(p => rule.Matches(p.Version));
        }

        return [.. selected.OrderByDescending(p => p.Version).Select(p => p.Item), .. unparsed];
    }

    /// <summary>The rule as a client would send it: <c>0+</c>, <c>latest</c>, <c>1.0.0+</c>, <c>1.4.0-1.8.0</c> or <c>1.0.0</c>.</summary>
    public override string ToString() => Kind switch
    {
        VersionRuleKind.Latest => "latest",
        VersionRuleKind.AtLeast => $"{Start}+",
        VersionRuleKind.Range => $"{Start}-{End}",
        VersionRuleKind.Exact => Start.ToString(),
        _ => "0+",
    };
}
