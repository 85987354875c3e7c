namespace Sidecar.Registry;

/// <summary>Where an instance runs (cari <c>DataCenterInfo</c>).</summary>
public sealed record DataCenterInfo
{
    public string? Name { get; init; }
    public string? Region { get; init; }
    public string? AvailableZone { get; init; }
}
