namespace Sidecar.Replication;

/// <summary>A record the gate refused, as handed to <see cref="RecordGate.Refused"/>.</summary>
/// <param name="Origin">Where the record came from.</param>
/// <param name="Key">The record's key.</param>
/// <param name="Refusal">Why it was refused.</param>
/// <param name="FirstForSource">True for the first refusal of this origin and source: log it; later ones are only counted.</param>
public readonly record struct RecordRefused(RecordOrigin Origin, RecordKey Key, RecordRefusal Refusal, bool FirstForSource);
