namespace Sidecar.Agent.Sources;

/// <summary>One source in <c>GET /v1/sources</c>.</summary>
internal sealed record SourceInfo(string Source, IReadOnlyList<string> Owners, string State, DateTimeOffset? LastSuccess, string? LastError, int Services, int Instances);

/// <summary>The <c>GET /v1/sources</c> answer.</summary>
internal sealed record SourcesResponse(IReadOnlyList<SourceInfo> Sources);
