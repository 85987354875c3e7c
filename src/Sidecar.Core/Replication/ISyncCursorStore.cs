namespace Sidecar.Replication;

/// <summary>
/// Keeps each upstream source's sync cursors (the remote's revision per service), so the first pull after a restart
/// costs 304s for what did not change. Saved after the records they describe, never before.
/// </summary>
public interface ISyncCursorStore
{
    IReadOnlyDictionary<string, string> LoadCursors(string source);

    void SaveCursors(string source, IReadOnlyDictionary<string, string> cursors);
}
