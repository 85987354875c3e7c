namespace Sidecar.Replication;

/// <summary>A record that changed in the replica: what it was (null when new) and what it is now.</summary>
public readonly record struct RecordChange(Record? Before, Record After);
