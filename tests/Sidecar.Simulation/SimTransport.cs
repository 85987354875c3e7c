using Sidecar.Gossip;

namespace Sidecar.Simulation;

internal sealed class SimTransport(SimNetwork network, SimHost from) : IGossipTransport
{
    public void SendPacket(string address, ReadOnlyMemory<byte> packet) => network.Packet(from, address, packet);

    public void SendStream(string address, ReadOnlyMemory<byte> message) => network.Stream(from, address, message);
}
