namespace Sidecar.Client;

/// <summary>Options of the service endpoint provider that resolves names through the local Sidecar agent.</summary>
public sealed class SidecarServiceEndpointProviderOptions
{
    /// <summary>Gets or sets the local agent's HTTP address.</summary>
    /// <value>Env <c>SIDECAR_HTTP_ADDRESS</c> (set by the injector), else <c>http://127.0.0.1:30100</c>.</value>
    public Uri? AgentAddress { get; set; } = SidecarClientDefaults.AgentAddressFromEnvironment();

    /// <summary>Gets or sets the Service-Center application the resolved services belong to.</summary>
    /// <value>Env <c>SIDECAR_APP_ID</c>, else <c>default</c>.</value>
    public string AppId { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.AppIdVariable) ?? SidecarClientDefaults.AppId;

    /// <summary>Gets or sets the Service-Center environment (<c>development</c>, <c>testing</c>, <c>acceptance</c>, <c>production</c>, or empty).</summary>
    /// <value>Env <c>SIDECAR_ENVIRONMENT</c>, else empty.</value>
    public string Environment { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.EnvironmentVariable) ?? "";
}
