namespace Sidecar.Agent.Storage;

/// <summary>A gossip member as last seen, so a restarted agent can rejoin through the members it knew.</summary>
internal sealed record PersistedMember(string Name, string Address, long Incarnation, string State);
