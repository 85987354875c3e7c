namespace Sidecar.Client.Agent;

// The wire shapes the client reads and writes, declared here so the package needs none of the agent's assemblies.

/// <summary>The agent's compact <c>GET /v1/services/{name}/instances</c> answer.</summary>
internal sealed record AgentInstancesResponse(string ServiceName, string? AppId, string? Environment, long Index, IReadOnlyList<AgentInstance>? Instances);

internal sealed record AgentInstance(string InstanceId, string? ServiceId, string? Status, string? HostName, IReadOnlyList<string>? Endpoints);

internal sealed record ServiceRecord(string AppId, string ServiceName, string Version, string? Environment);

internal sealed record CreateServiceRequest(ServiceRecord Service);

internal sealed record CreateServiceResponse(string ServiceId);

internal sealed record LeaseRecord(string Mode, int Interval, int Times);

internal sealed record InstanceRecord(string? InstanceId, string HostName, IReadOnlyList<string> Endpoints, string Status, LeaseRecord HealthCheck, IReadOnlyDictionary<string, string>? Properties);

internal sealed record CreateInstanceRequest(InstanceRecord Instance);

internal sealed record CreateInstanceResponse(string InstanceId);
