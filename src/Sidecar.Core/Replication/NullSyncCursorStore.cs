namespace Sidecar.Replication;

/// <summary>Keeps no cursors: every first pull reads in full.</summary>
public sealed class NullSyncCursorStore : ISyncCursorStore
{
    public static NullSyncCursorStore Instance { get; } = new();

    public IReadOnlyDictionary<string, string> LoadCursors(string source) => new Dictionary<string, string>();

    public void SaveCursors(string source, IReadOnlyDictionary<string, string> cursors)
    {
    }
}
