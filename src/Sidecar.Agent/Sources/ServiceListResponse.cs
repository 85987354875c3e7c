namespace Sidecar.Agent.Sources;

/// <summary>One service name in <c>GET /v1/services</c>: its versions (newest first), instances of all of them, how many are UP.</summary>
internal sealed record ServiceSummary(
    string AppId, string ServiceName, string Environment, IReadOnlyList<string> Versions, int Instances, int Up, IReadOnlyList<string> Sources);

/// <summary>The <c>GET /v1/services</c> answer; <see cref="Index"/> is the replica index it was read at.</summary>
internal sealed record ServiceListResponse(long Index, IReadOnlyList<ServiceSummary> Services);
