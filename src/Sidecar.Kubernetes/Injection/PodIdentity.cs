namespace Sidecar.Kubernetes.Injection;

/// <summary>The app identity the sidecar registers, resolved from annotations, labels and owner.</summary>
internal sealed record PodIdentity
{
    public required string AppId { get; init; }
    public required string ServiceName { get; init; }
    public required string Version { get; init; }
    public string Environment { get; init; } = "";
    public int? AppPort { get; init; }
    public string AppProtocol { get; init; } = SidecarDefaults.AppProtocol;
}
