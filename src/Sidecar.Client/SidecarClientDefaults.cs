namespace Sidecar.Client;

/// <summary>Defaults of the client options and the environment variables that override them.</summary>
internal static class SidecarClientDefaults
{
    /// <summary>Set by the injector in every app container.</summary>
    public const string AgentAddressVariable = "SIDECAR_HTTP_ADDRESS";
    public const string AppIdVariable = "SIDECAR_APP_ID";
    public const string EnvironmentVariable = "SIDECAR_ENVIRONMENT";
    public const string ServiceNameVariable = "SIDECAR_SERVICE_NAME";
    public const string VersionVariable = "SIDECAR_VERSION";

    public const string AgentAddress = "http://127.0.0.1:30100";
    public const string AppId = "default";
    public const string Version = "1.0.0";

    /// <summary>How long one blocking query waits at the agent before it answers unchanged (the agent caps at 10 min).</summary>
    public static readonly TimeSpan BlockingWait = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    /// <summary>The agent address from <c>SIDECAR_HTTP_ADDRESS</c>, else the default; null when the variable is not a URI.</summary>
    public static Uri? AgentAddressFromEnvironment() =>
        Uri.TryCreate(Variable(AgentAddressVariable) ?? AgentAddress, UriKind.Absolute, out var uri) ? uri : null;

    public static string? Variable(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
