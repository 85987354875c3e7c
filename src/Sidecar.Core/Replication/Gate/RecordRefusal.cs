namespace Sidecar.Replication;

/// <summary>Why the gate refused a record: a short reason (a metric tag) and a detail for the log.</summary>
/// <param name="Reason">One of <see cref="RecordGate.InvalidKey"/>, <see cref="RecordGate.MissingMember"/>,
/// <see cref="RecordGate.InvalidValue"/> or <see cref="RecordGate.FutureClock"/>.</param>
/// <param name="Detail">What exactly is wrong, e.g. the validator's message.</param>
public readonly record struct RecordRefusal(string Reason, string Detail);
