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

    /// <value>Default: the name persisted in the data dir by an earlier run, else the host name.</value>
    public string? NodeName { get; init; }

    /// <summary>How long a deletion is remembered (so a late copy cannot bring the record back) before it is purged.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan TombstoneRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle watch socket is pinged (Service-Center: 30 s).</summary>
    public TimeSpan WatchPingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gossip with the other agents of the cluster; null when standalone.</summary>
    public Gossip.GossipSettings? Gossip { get; init; }
}
