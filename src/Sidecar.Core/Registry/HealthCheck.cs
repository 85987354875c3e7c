namespace Sidecar.Registry;

/// <summary>How an instance's lease is kept (cari <c>HealthCheck</c>).</summary>
public sealed record HealthCheck
{
    public string? Mode { get; init; }
    public long Port { get; init; }
    public long Interval { get; init; }
    public long Times { get; init; }
    public string? Url { get; init; }
}
