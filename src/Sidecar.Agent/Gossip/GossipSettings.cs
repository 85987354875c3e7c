using System.Net;

namespace Sidecar.Agent.Gossip;

/// <summary>Gossip settings of <c>sidecar agent</c>; null in <see cref="Hosting.AgentOptions.Gossip"/> means standalone.</summary>
internal sealed record GossipSettings
{
    /// <summary>Default gossip port (memberlist's).</summary>
    public const int DefaultPort = 7946;

    /// <summary>Where UDP and TCP gossip listen (<c>--gossip-bind</c>).</summary>
    /// <value>Default <c>0.0.0.0:7946</c>.</value>
    public required IPEndPoint Bind { get; init; }

    /// <summary>The address other agents reach this one at (<c>--gossip-advertise</c>).</summary>
    /// <value>Default: the bind address, or when that is 0.0.0.0, <c>POD_IP</c> or the first non-loopback IPv4 address.</value>
    public required IPEndPoint Advertise { get; init; }

    /// <summary>Peers to join through (<c>--join host:port,...</c>); a name resolving to several addresses joins through all.</summary>
    public IReadOnlyList<string> Join { get; init; } = [];

    /// <summary>The cluster keys (<c>--gossip-key</c> or <c>--gossip-key-file</c>), first one encrypting.</summary>
    public required GossipKeyring Keyring { get; init; }

    /// <summary>
    /// Multiplies every gossip interval and timeout (<c>SIDECAR_GOSSIP_TIME_SCALE</c> or <c>Sidecar:gossip-time-scale</c>;
    /// not a command-line flag). Tests use 0.25 to detect a dead agent four times faster.
    /// </summary>
    /// <value>Default 1 (memberlist's LAN profile).</value>
    public double TimeScale { get; init; } = 1;
}
