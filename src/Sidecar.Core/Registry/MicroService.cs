using System.Text.Json.Serialization;

namespace Sidecar.Registry;

/// <summary>A Service-Center microservice as it travels on the wire (cari <c>discovery/service.go</c>).</summary>
/// <remarks>Optional fields are null rather than empty so that JSON output omits them, as Go's <c>omitempty</c> does.</remarks>
public sealed record MicroService
{
    public string? ServiceId { get; init; }
    public string? AppId { get; init; }
    public string? ServiceName { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    public string? Level { get; init; }
    public IReadOnlyList<string>? Schemas { get; init; }
    public IReadOnlyList<ServicePath>? Paths { get; init; }
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
    public string? Timestamp { get; init; }
    public IReadOnlyList<MicroServiceKey>? Providers { get; init; }
    public string? Alias { get; init; }

    [JsonPropertyName("LBStrategy")]
    public IReadOnlyDictionary<string, string>? LBStrategy { get; init; }

    public string? ModTimestamp { get; init; }
    public string? Environment { get; init; }
    public string? RegisterBy { get; init; }
    public FrameworkInfo? Framework { get; init; }
}
