using Sidecar.Replication;

namespace Sidecar.Agent.Storage;

/// <summary>What the store held at startup.</summary>
internal sealed record PersistedState(
    IReadOnlyList<Record> Records,
    IReadOnlyList<KeyValuePair<RecordKey, Lease>> Leases,
    AgentIdentity? Identity,
    int Unreadable);
