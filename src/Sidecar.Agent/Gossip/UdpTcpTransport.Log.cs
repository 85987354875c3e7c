using System.Net;
using System.Net.Sockets;

namespace Sidecar.Agent.Gossip;

internal sealed partial class UdpTcpTransport
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, EventName = "GossipAuthenticationFailed", Level = LogLevel.Warning,
            Message = "A gossip message from {Address} failed authentication and was dropped ({Count} so far). An agent with another --gossip-key, or not an agent: check that every agent of the cluster has the same keyring.")]
        public static partial void AuthenticationFailed(ILogger logger, IPAddress address, long count);

        [LoggerMessage(EventId = 2102, EventName = "GossipReceiveFailed", Level = LogLevel.Debug,
            Message = "Receiving gossip failed with {Error}; continuing.")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error);

        [LoggerMessage(EventId = 2103, EventName = "GossipOutsideWindow", Level = LogLevel.Warning,
            Message = "An authenticated gossip message from {Address} was sent {Skew} from local time, outside the accepted window (by default at most 2 min old and 60 s ahead), and was dropped ({Count} so far): a replay, or clocks apart; check NTP on both hosts.")]
        public static partial void OutsideWindow(ILogger logger, IPAddress address, TimeSpan skew, long count);
    }
}
