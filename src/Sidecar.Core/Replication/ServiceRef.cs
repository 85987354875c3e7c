namespace Sidecar.Replication;

/// <summary>A service within a tenant: Service-Center's <c>{domain}/{project}/{serviceId}</c>.</summary>
public readonly record struct ServiceRef(string Domain, string Project, string ServiceId);
