namespace Sidecar.Agent.Storage;

/// <summary>Who this agent is across restarts: its node name, how many times it has started, when it last wrote.</summary>
internal sealed record AgentIdentity(string NodeName, long Incarnation, DateTimeOffset LastWrite);
