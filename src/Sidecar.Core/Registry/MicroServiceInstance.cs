namespace Sidecar.Registry;

/// <summary>A Service-Center instance as it travels on the wire (cari <c>discovery/instance.go</c>).</summary>
public sealed record MicroServiceInstance
{
    public string? InstanceId { get; init; }
    public string? ServiceId { get; init; }
    public IReadOnlyList<string>? Endpoints { get; init; }
    public string? HostName { get; init; }
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
    public HealthCheck? HealthCheck { get; init; }
    public string? Timestamp { get; init; }
    public DataCenterInfo? DataCenterInfo { get; init; }
    public string? ModTimestamp { get; init; }
    public string? Version { get; init; }
}
