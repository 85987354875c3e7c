namespace Sidecar.Versioning;

/// <summary>The forms of a Service-Center version rule (SC 2.0 <c>versionrule.go</c>).</summary>
public enum VersionRuleKind
{
    /// <summary>Every version: absent, empty, <c>0+</c> or <c>0%2B</c>.</summary>
    All = 0,

    /// <summary><c>latest</c>: only the highest version.</summary>
    Latest,

    /// <summary><c>X+</c>: versions greater than or equal to X.</summary>
    AtLeast,

    /// <summary><c>A-B</c>: versions from A (inclusive) to B (exclusive).</summary>
    Range,

    /// <summary><c>X</c>: versions numerically equal to X.</summary>
    Exact,
}
