using System.Text.RegularExpressions;

namespace Sidecar.Kubernetes.Injection;

/// <summary>Validates Kubernetes resource quantities (<c>50m</c>, <c>64Mi</c>) with the API server's own pattern.</summary>
internal static partial class ResourceQuantityFormat
{
    public static bool IsValid(string? value) => value is not null && QuantityPattern().IsMatch(value);

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();
}
