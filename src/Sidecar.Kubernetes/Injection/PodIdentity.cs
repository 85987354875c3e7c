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

    /// <summary>The agent's log level from the pod's annotation; null keeps the cluster's setting.</summary>
    public string? LogLevel { get; init; }

    /// <summary>The agent's log format from the pod's annotation; null keeps the cluster's setting.</summary>
    public string? LogFormat { get; init; }
}
