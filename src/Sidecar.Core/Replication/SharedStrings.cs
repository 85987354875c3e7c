namespace Sidecar.Replication;

/// <summary>
/// A small, lossy table of strings that many records repeat (tenants, sources, writers, service ids, statuses,
/// versions, timestamps, property names): each decoded record otherwise holds its own copy, which at 10,000 instances
/// was about 8 MiB of the heap. Direct-mapped and bounded: a new string takes its slot's place, so hostile or unique
/// values cost nothing but a lookup and never grow the table.
/// </summary>
internal static class SharedStrings
{
    private const int Slots = 8192;

    /// <summary>Longer strings are rarely repeated and would only push the repeated ones out.</summary>
    private const int MaxLength = 64;

    private static readonly string?[] s_slots = new string?[Slots];

    /// <summary>The table's copy of <paramref name="value"/> when it holds an equal string; otherwise the value itself, kept.</summary>
    public static string Share(string value)
    {
        if (value.Length is 0 or > MaxLength)
        {
            return value;
        }

        ref var slot = ref s_slots[value.GetHashCode() & (Slots - 1)];
        var shared = Volatile.Read(ref slot);
        if (shared is not null && string.Equals(shared, value, StringComparison.Ordinal))
        {
            return shared;
        }

        Volatile.Write(ref slot, value);
        return value;
    }

    public static string? ShareOrNull(string? value) => value is null ? null : Share(value);
}
