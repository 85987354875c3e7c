using System.Globalization;

namespace Sidecar.Versioning;

/// <summary>
/// A service version of one to four dot-separated parts, each 0..32767 (Service-Center's <c>VersionToInt64</c>).
/// Missing parts are zero, so <c>1.0</c> equals <c>1.0.0</c>; versions compare part by part.
/// </summary>
public readonly record struct ServiceVersion : IComparable<ServiceVersion>
{
    /// <summary>The largest value of one part (an int16).</summary>
    public const int MaxPart = short.MaxValue;

    /// <summary>Creates a version from its parts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is outside 0..32767.</exception>
    public ServiceVersion(int major, int minor = 0, int patch = 0, int build = 0)
    {
        Major = CheckPart(major);
        Minor = CheckPart(minor);
        Patch = CheckPart(patch);
        Build = CheckPart(build);
    }

    public int Major { get; }

    public int Minor { get; }

    public int Patch { get; }

    public int Build { get; }

    /// <summary>The version packed as Service-Center stores it: four 16-bit parts, major first.</summary>
    public long Value => ((long)Major << 48) | ((long)Minor << 32) | ((long)Patch << 16) | (long)Build;

    /// <summary>
    /// Parses <c>^\d+(\.\d+){0,3}$</c> (ASCII digits) where every part fits an int16, as Service-Center's create and
    /// existence validators do: <c>1.</c>, <c>1.a.0</c>, <c>1.32768.0</c> and <c>1.1.0.0.0</c> are rejected.
    /// </summary>
    public static bool TryParse(string? text, out ServiceVersion version) => TryParse(text.AsSpan(), out version);

    /// <summary>Parses a version, throwing when <see cref="TryParse(string?, out ServiceVersion)"/> would fail.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a version.</exception>
    public static ServiceVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a version of the form x[.y[.z[.w]]] with parts 0-32767.");

    internal static bool TryParse(ReadOnlySpan<char> text, out ServiceVersion version)
    {
        version = default;
        Span<int> parts = stackalloc int[4];
        var count = 0;
        var value = -1; // -1: no digit yet in the current part
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (value < 0 || count == 3)
                {
                    return false;
                }

                parts[count++] = value;
                value = -1;
            }
            else if (char.IsAsciiDigit(c))
            {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > MaxPart)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (value < 0)
        {
            return false;
        }

        parts[count] = value;
        version = new ServiceVersion(parts[0], parts[1], parts[2], parts[3]);
        return true;
    }

    public int CompareTo(ServiceVersion other) => Value.CompareTo(other.Value);

    /// <summary>The canonical text: three parts, plus the fourth when it is not zero (<c>1.0</c> gives <c>1.0.0</c>).</summary>
    public override string ToString() => Build == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}")
        : string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}.{Build}");

    public static bool operator <(ServiceVersion left, ServiceVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(ServiceVersion left, ServiceVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(ServiceVersion left, ServiceVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(ServiceVersion left, ServiceVersion right) => left.CompareTo(right) >= 0;

    private static int CheckPart(int part, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(part))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(part, MaxPart, name);
        return part;
    }
}
