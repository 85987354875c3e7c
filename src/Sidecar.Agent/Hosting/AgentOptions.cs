using System.Net;

namespace Sidecar.Agent.Hosting;

/// <summary>Settings of <c>sidecar agent</c>, validated before anything starts.</summary>
internal sealed record AgentOptions
{
    /// <value>Default <c>127.0.0.1:30100</c>: the app API listens on localhost only.</value>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 30100);

    /// <value>Default <c>./sidecar-data</c>.</value>
    public string DataDir { get; init; } = "./sidecar-data";

    /// <value>Default <c>default</c>.</value>
    public string ClusterName { get; init; } = "default";

    /// <value>Default: the host name.</value>
    public string NodeName { get; init; } = Dns.GetHostName();

    /// <summary>How often an idle watch socket is pinged (Service-Center: 30 s).</summary>
    public TimeSpan WatchPingInterval { get; init; } = TimeSpan.FromSeconds(30);
}
