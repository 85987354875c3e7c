namespace Sidecar.Agent.Gossip;

/// <summary>Why <see cref="UdpTcpTransport"/> dropped a message or a connection; each reason is counted.</summary>
internal enum TransportDrop
{
    /// <summary>A send or receive queue was full.</summary>
    QueueFull,

    /// <summary>Over the per-address rate of datagrams or connections.</summary>
    RateLimited,

    /// <summary>Over the size limit of a datagram or stream message.</summary>
    TooLarge,

    /// <summary>A send failed (peer unreachable, refused, timed out).</summary>
    Unreachable,

    /// <summary>Authenticated, but sent longer ago than <see cref="TransportLimits.MaxMessageAge"/>: a replay.</summary>
    Stale,

    /// <summary>Authenticated, but sent more than <see cref="TransportLimits.MaxClockAhead"/> ahead of local time.</summary>
    Future,

    /// <summary>A connection that did not send its sealed header in time, or was evicted for a newer one.</summary>
    HandshakeTimeout,

    /// <summary>An authenticated stream refused because <see cref="TransportLimits.MaxInboundConnections"/> are being read.</summary>
    ConnectionLimit,

    /// <summary>A stream body that would exceed <see cref="TransportLimits.MaxBufferedBytes"/>.</summary>
    ByteBudget,

    /// <summary>A stream that ended, stalled or timed out before its last byte, or whose body chunk did not authenticate.</summary>
    Incomplete,
}

/// <summary>Names of <see cref="TransportDrop"/> reasons, as metric tags and in <c>/v1/members</c>.</summary>
internal static class TransportDrops
{
    public static readonly string[] Names =
        ["queue_full", "rate_limited", "too_large", "unreachable", "stale", "future", "handshake_timeout", "connection_limit", "byte_budget", "incomplete"];
}
