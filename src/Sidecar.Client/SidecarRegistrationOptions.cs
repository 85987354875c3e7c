namespace Sidecar.Client;

/// <summary>What <c>AddSidecarRegistration</c> registers with the local agent for an app the injector did not start.</summary>
public sealed class SidecarRegistrationOptions
{
    /// <summary>Gets or sets the local agent's HTTP address.</summary>
    /// <value>Env <c>SIDECAR_HTTP_ADDRESS</c>, else <c>http://127.0.0.1:30100</c>.</value>
    public Uri? AgentAddress { get; set; } = SidecarClientDefaults.AgentAddressFromEnvironment();

    /// <summary>Gets or sets the Service-Center application of the service.</summary>
    /// <value>Env <c>SIDECAR_APP_ID</c>, else <c>default</c>.</value>
    public string AppId { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.AppIdVariable) ?? SidecarClientDefaults.AppId;

    /// <summary>Gets or sets the service name (required).</summary>
    /// <value>Env <c>SIDECAR_SERVICE_NAME</c>, else none.</value>
    public string? ServiceName { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.ServiceNameVariable);

    /// <summary>Gets or sets the service version.</summary>
    /// <value>Env <c>SIDECAR_VERSION</c>, else <c>1.0.0</c>.</value>
    public string Version { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.VersionVariable) ?? SidecarClientDefaults.Version;

    /// <summary>Gets or sets the Service-Center environment of the service.</summary>
    /// <value>Env <c>SIDECAR_ENVIRONMENT</c>, else empty.</value>
    public string Environment { get; set; } = SidecarClientDefaults.Variable(SidecarClientDefaults.EnvironmentVariable) ?? "";

    /// <summary>Gets the instance's endpoints in Service-Center form, e.g. <c>rest://10.0.0.5:8080</c> (at least one).</summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Gets or sets the instance's host name.</summary>
    /// <value>The machine name.</value>
    public string HostName { get; set; } = System.Environment.MachineName;

    /// <summary>Gets or sets a fixed instance id; null lets the agent choose one.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Gets the instance's properties.</summary>
    public IDictionary<string, string> Properties { get; } = new Dictionary<string, string>();

    /// <summary>Gets or sets how often the instance's lease is renewed; the lease lasts four intervals, as in Service-Center.</summary>
    /// <value>30 seconds; whole seconds from 5 on.</value>
    public TimeSpan HeartbeatInterval { get; set; } = SidecarClientDefaults.HeartbeatInterval;
}
