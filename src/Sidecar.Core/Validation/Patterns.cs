using System.Text.RegularExpressions;

namespace Sidecar.Validation;

/// <summary>Service-Center's validation regexes (<c>server/service/validator/*.go</c>).</summary>
/// <remarks>
/// Each pattern is the Go one translated to .NET semantics: Go's <c>$</c> only matches at the very end, so it is
/// written <c>\z</c> (.NET's <c>$</c> also matches before a final newline); Go's <c>\d</c> and <c>\S</c> are ASCII, so
/// they are written <c>[0-9]</c> and <c>[^\t\n\f\r ]</c>. The <c>*Text</c> constants are the Go sources that error
/// details quote.
/// </remarks>
internal static partial class Patterns
{
    public const string NameText = @"^[a-zA-Z0-9]*$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$";
    public const string NameForFindText = @"^[a-zA-Z0-9]*$|^[a-zA-Z0-9][a-zA-Z0-9_\-.:]*[a-zA-Z0-9]$";
    public const string EnvironmentText = "^(development|testing|acceptance|production)*$";
    public const string NoSpaceText = @"^\S*$";
    public const string HasNonSpaceText = @"\S+";
    public const string LevelText = "^(FRONT|MIDDLE|BACK)$";
    public const string ServiceStatusText = "^(UP|DOWN)?$";
    public const string AliasText = @"^[a-zA-Z0-9_\-.:]*$";
    public const string RegisterByText = "^(SDK|SIDECAR|PLATFORM)*$";
    public const string SchemaIdText = @"^[a-zA-Z0-9]{1,160}$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]{0,158}[a-zA-Z0-9]$";
    public const string PathText = @"^[A-Za-z0-9.,?'\\/+&amp;%$#=~_\-@{}]*$";
    public const string InstanceStatusText = "^(UP|DOWN|STARTING|TESTING|OUTOFSERVICE)?$";
    public const string StatusUpdateText = "^(UP|DOWN|STARTING|TESTING|OUTOFSERVICE)$";
    public const string HealthCheckModeText = "^(push|pull)$";
    public const string SimpleNameAllowEmptyText = "^[A-Za-z0-9_.-]*$";
    public const string SimpleNameText = "^[A-Za-z0-9_.-]+$";
    public const string TagText = @"^[a-zA-Z][a-zA-Z0-9_\-.]{0,63}$";

    /// <summary>What Service-Center prints for its strict version "regexp".</summary>
    public const string VersionText = "the form x[.y[.z]] where x y and z are 0-32767 range";

    [GeneratedRegex(@"^[a-zA-Z0-9]*\z|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]\z")]
    public static partial Regex Name();

    [GeneratedRegex(@"^[a-zA-Z0-9]*\z|^[a-zA-Z0-9][a-zA-Z0-9_\-.:]*[a-zA-Z0-9]\z")]
    public static partial Regex NameForFind();

    [GeneratedRegex(@"^(development|testing|acceptance|production)*\z")]
    public static partial Regex Environment();

    [GeneratedRegex(@"^[^\t\n\f\r ]*\z")]
    public static partial Regex NoSpace();

    [GeneratedRegex(@"[^\t\n\f\r ]")]
    public static partial Regex HasNonSpace();

    [GeneratedRegex(@"^(FRONT|MIDDLE|BACK)\z")]
    public static partial Regex Level();

    [GeneratedRegex(@"^(UP|DOWN)?\z")]
    public static partial Regex ServiceStatus();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-.:]*\z")]
    public static partial Regex Alias();

    [GeneratedRegex(@"^(SDK|SIDECAR|PLATFORM)*\z")]
    public static partial Regex RegisterBy();

    [GeneratedRegex(@"^[a-zA-Z0-9]{1,160}\z|^[a-zA-Z0-9][a-zA-Z0-9_\-.]{0,158}[a-zA-Z0-9]\z")]
    public static partial Regex SchemaId();

    [GeneratedRegex(@"^[A-Za-z0-9.,?'\\/+&amp;%$#=~_\-@{}]*\z")]
    public static partial Regex Path();

    [GeneratedRegex(@"^(UP|DOWN|STARTING|TESTING|OUTOFSERVICE)?\z")]
    public static partial Regex InstanceStatus();

    [GeneratedRegex(@"^(UP|DOWN|STARTING|TESTING|OUTOFSERVICE)\z")]
    public static partial Regex StatusUpdate();

    [GeneratedRegex(@"^(push|pull)\z")]
    public static partial Regex HealthCheckMode();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]*\z")]
    public static partial Regex SimpleNameAllowEmpty();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    public static partial Regex SimpleName();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9_\-.]{0,63}\z")]
    public static partial Regex Tag();
}
