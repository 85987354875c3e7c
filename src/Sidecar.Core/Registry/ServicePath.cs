namespace Sidecar.Registry;

/// <summary>A path a service exposes (cari <c>ServicePath</c>).</summary>
public sealed record ServicePath
{
    public string? Path { get; init; }
    public IReadOnlyDictionary<string, string>? Property { get; init; }
}
