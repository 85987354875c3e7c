namespace Sidecar.Replication;

/// <summary>What a find looks up: tenant, environment, app and service name (or alias), all versions.</summary>
public readonly record struct NameKey(string Domain, string Project, string Environment, string AppId, string ServiceName);
