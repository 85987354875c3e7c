using Sidecar.Versioning;

namespace Sidecar.Benchmarks.Micro;

internal static class Rules
{
    public static VersionRule Rule(string text) =>
        VersionRule.TryParse(text, out var rule) ? rule : throw new ArgumentException($"bad version rule '{text}'", nameof(text));
}
