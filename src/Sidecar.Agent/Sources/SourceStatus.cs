namespace Sidecar.Agent.Sources;

/// <summary>One source as <c>/v1/sources</c> shows it.</summary>
internal sealed record SourceStatus(string Source, SourceState State, DateTimeOffset? LastSuccess, string? LastError, IReadOnlyList<string> Owners);
