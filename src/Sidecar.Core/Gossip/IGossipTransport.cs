namespace Sidecar.Gossip;

/// <summary>
/// Sends bytes for a <see cref="GossipNode"/>. Implementations must not block and must not call back into the node
/// synchronously: queue the send and return. Received bytes go to <see cref="GossipNode.HandlePacket"/> and
/// <see cref="GossipNode.HandleStream"/>.
/// </summary>
public interface IGossipTransport
{
    /// <summary>Best-effort datagram (UDP in the agent), at most <see cref="GossipOptions.PacketBudget"/> bytes before transport overhead.</summary>
    /// <remarks>The node does not reuse <paramref name="packet"/>'s buffer after the call.</remarks>
    void SendPacket(string address, ReadOnlyMemory<byte> packet);

    /// <summary>Reliable message of any size (TCP in the agent), used by push-pull and for deltas too large for a packet.</summary>
    /// <remarks>The node does not reuse <paramref name="message"/>'s buffer after the call.</remarks>
    void SendStream(string address, ReadOnlyMemory<byte> message);
}
