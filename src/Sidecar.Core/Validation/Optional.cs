namespace Sidecar.Validation;

/// <summary>Turns empty optional values into null, so that they are absent on the wire as with Go's <c>omitempty</c>.</summary>
internal static class Optional
{
    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static IReadOnlyList<T>? NullIfEmpty<T>(IReadOnlyList<T>? value) => value is null || value.Count == 0 ? null : value;

    public static IReadOnlyDictionary<string, string>? NullIfEmpty(IReadOnlyDictionary<string, string>? value) =>
        value is null || value.Count == 0 ? null : value;
}
