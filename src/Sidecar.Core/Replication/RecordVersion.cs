namespace Sidecar.Replication;

/// <summary>The version of a record: a hybrid logical clock value, ties broken by the writer's id.</summary>
/// <remarks>Total order: any two versions compare the same way on every agent, so merges converge.</remarks>
public readonly record struct RecordVersion(long Clock, string Writer) : IComparable<RecordVersion>
{
    public int CompareTo(RecordVersion other)
    {
        var byClock = Clock.CompareTo(other.Clock);
        return byClock != 0 ? byClock : string.CompareOrdinal(Writer, other.Writer);
    }

    public static bool operator >(RecordVersion left, RecordVersion right) => left.CompareTo(right) > 0;

    public static bool operator <(RecordVersion left, RecordVersion right) => left.CompareTo(right) < 0;

    public static bool operator >=(RecordVersion left, RecordVersion right) => left.CompareTo(right) >= 0;

    public static bool operator <=(RecordVersion left, RecordVersion right) => left.CompareTo(right) <= 0;
}
