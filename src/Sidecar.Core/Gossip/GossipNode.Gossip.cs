using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

public sealed partial class GossipNode
{
    /// <summary>Gossips queued broadcasts to a few random members (the dead recently too, so they can refute).</summary>
    private void GossipTick()
    {
        if (_broadcasts.Count == 0)
        {
            // Nothing to gossip: park the ticker until the next broadcast (an idle agent then wakes only to probe).
            if (_gossipTimer is not null && !_leaving)
            {
                _gossipTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _gossipParked = true;
            }

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

    /// <summary>Queues a broadcast and restarts a parked gossip ticker, at a random phase like a free-running one.</summary>
    private void EnqueueBroadcast(byte[] message, string? key)
    {
        _broadcasts.Enqueue(message, key);
        if (_gossipParked && _gossipTimer is not null)
        {
            _gossipParked = false;
            _gossipTimer.Change(Jitter(_options.GossipInterval), _options.GossipInterval);
        }
    }
}
