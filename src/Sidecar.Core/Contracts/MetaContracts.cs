using Sidecar.Registry;

namespace Sidecar.Contracts;

// Envelopes of the meta endpoints (M1-M5) and the agent's own /v1 API.

public sealed record VersionResponse(string Version, string BuildTag, string GoVersion, string Os, string Arch, string ApiVersion);

public sealed record AppsResponse(IReadOnlyList<string>? AppIds);

public sealed record ServiceDetail(MicroService MicroService, IReadOnlyList<MicroServiceInstance>? Instances);

public sealed record GovernServicesResponse(IReadOnlyList<ServiceDetail>? AllServicesDetail);

/// <summary>One endpoint of the compact <c>/v1</c> answer.</summary>
public sealed record SidecarInstance(
    string InstanceId,
    string ServiceId,
    string? Version,
    string? Status,
    string? HostName,
    IReadOnlyList<string>? Endpoints,
    string? Cluster,
    string? Zone,
    IReadOnlyDictionary<string, string>? Properties);

/// <summary>The compact <c>/v1/services/{name}/instances</c> answer.</summary>
public sealed record SidecarInstancesResponse(string ServiceName, string AppId, string Environment, long Index, IReadOnlyList<SidecarInstance> Instances);
