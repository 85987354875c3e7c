namespace Sidecar.Registry;

/// <summary>The framework that registered a service (cari <c>FrameWork</c>).</summary>
public sealed record FrameworkInfo
{
    public string? Name { get; init; }
    public string? Version { get; init; }
}
