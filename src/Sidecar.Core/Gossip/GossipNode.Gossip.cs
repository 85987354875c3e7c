using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

public sealed partial class GossipNode
{
    /// <summary>Gossips queued broadcasts to a few random members (the dead recently too, so they can refute).</summary>
    private void GossipTick()
    {
        if (_broadcasts.Count == 0)
        {
            return;
        }

        var targets = RandomMembers(
            _options.GossipNodes,
            e => e.IsLive || _time.GetElapsedTime(e.StateChangedAt) < _options.GossipToTheDeadTime);
        var limit = RetransmitLimit();
        foreach (var target in targets)
        {
            _packetParts.Clear();
            _broadcasts.Take(_packetPayload, GossipCodec.PerMessageOverhead, limit, _packetParts);
            if (_packetParts.Count == 0)
            {
                return;
            }

            _transport.SendPacket(target.Address, GossipCodec.BuildPacket(_packetParts));
        }
    }
}
