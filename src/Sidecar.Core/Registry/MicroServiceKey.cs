namespace Sidecar.Registry;

/// <summary>Identifies a service by name rather than id; used in watch events and batch find.</summary>
public sealed record MicroServiceKey
{
    public string? Tenant { get; init; }
    public string? Environment { get; init; }
    public string? AppId { get; init; }
    public string? ServiceName { get; init; }
    public string? Alias { get; init; }
    public string? Version { get; init; }
}
