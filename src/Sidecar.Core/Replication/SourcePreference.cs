namespace Sidecar.Replication;

/// <summary>
/// Which source wins when several hold the same service or instance id: this agent's own records, then other
/// agents' of the cluster, then Kubernetes, then remote Service-Centers; ties by source name (ordinal).
/// The rule is deterministic so every agent shows the same record.
/// </summary>
public sealed class SourcePreference(string localSource) : IComparer<string>
{
    public string LocalSource { get; } = localSource;

    public int Compare(string? x, string? y)
    {
        var byRank = Rank(x).CompareTo(Rank(y));
        return byRank != 0 ? byRank : string.CompareOrdinal(x, y);
    }

    private int Rank(string? source) => source switch
    {
        _ when source == LocalSource => 0,
        _ when source!.StartsWith("agent:", StringComparison.Ordinal) => 1,
        _ when source.StartsWith("k8s:", StringComparison.Ordinal) => 2,
        _ when source.StartsWith("sc:", StringComparison.Ordinal) => 3,
        _ => 4,
    };
}
