using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

public sealed partial class GossipNode
{
    /// <summary>One SWIM protocol period: probe the next member round-robin (Lifeguard-scaled interval).</summary>
    private void ProbeTick()
    {
        _probeTimer!.Change(_awareness.Scale(_options.ProbeInterval), Timeout.InfiniteTimeSpan);
        Reap();
        if (_leaving || NextProbeTarget() is not { } target)
        {
            return;
        }

        var probe = new PendingProbe(++_sequence, target.Name);
        _pending[probe.Seq] = probe;
        SendPacket(target.Address, MessageEncoder.Encode(new PingMessage(probe.Seq, target.Name, Name, Address)));
        probe.Timer = After(_awareness.Scale(_options.ProbeTimeout), () => ProbeTimedOut(probe, target.Address));
    }

    private MemberEntry? NextProbeTarget()
    {
        var slots = _members.SlotCount;
        for (var i = 0; i < slots; i++)
        {
            if (_members.AtSlot(_probeOrder.Next(slots, _random)) is { IsLive: true } entry && entry != _self)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>No direct ack in time: ask k members to probe the target, and expect their nacks if it stays silent.</summary>
    private void ProbeTimedOut(PendingProbe probe, string targetAddress)
    {
        if (!IsPending(probe))
        {
            return;
        }

        probe.Timer?.Dispose();
        probe.Indirect = true;
        var relays = RandomMembers(_options.IndirectChecks, e => e.State == MemberState.Alive && e.Name != probe.Target);
        var request = MessageEncoder.Encode(new IndirectPingMessage(probe.Seq, probe.Target, targetAddress, Name, Address, WantNack: true));
        foreach (var relay in relays)
        {
            SendPacket(relay.Address, request);
        }

        probe.ExpectedNacks = relays.Count;

        // memberlist's fallback: a reliable ping too, so a lossy UDP path alone does not raise a suspicion.
        if (!_options.DisableTcpPings)
        {
            _transport.SendStream(targetAddress, GossipCodec.EncodeStream(new PingMessage(probe.Seq, probe.Target, Name, Address)));
        }

        var rest = _awareness.Scale(_options.ProbeInterval) - _awareness.Scale(_options.ProbeTimeout);
        probe.Timer = After(rest > TimeSpan.Zero ? rest : _options.ProbeTimeout, () => ProbeFailed(probe));
    }

    private void ProbeFailed(PendingProbe probe)
    {
        if (!IsPending(probe))
        {
            return;
        }

        Finish(probe);

        // Lifeguard: relays that did not even nack suggest that this node, not the target, is in trouble.
        _awareness.Apply(probe.ExpectedNacks > 0 ? probe.ExpectedNacks - probe.Nacks : 1);
        if (_members.Find(probe.Target) is { IsLive: true } target)
        {
            SuspectReceived(target.Incarnation, target.Name, Name);
        }
    }

    private void AckReceived(uint seq)
    {
        if (!_pending.TryGetValue(seq, out var probe))
        {
            return;
        }

        Finish(probe);
        if (probe.RelayTo is not null)
        {
            SendPacket(probe.RelayTo, MessageEncoder.Encode(new AckMessage(probe.RelaySeq)));
        }
        else if (!probe.Indirect)
        {
            _awareness.Apply(-1);
        }
    }

    /// <summary>Probes a target for another member and relays the ack, or a nack when the target stays silent.</summary>
    private void Relay(IndirectPingMessage request)
    {
        var probe = new PendingProbe(++_sequence, request.Target)
        {
            RelayTo = request.SourceAddress,
            RelaySeq = request.Seq,
            WantNack = request.WantNack,
        };
        _pending[probe.Seq] = probe;
        SendPacket(request.TargetAddress, MessageEncoder.Encode(new PingMessage(probe.Seq, request.Target, Name, Address)));
        probe.Timer = After(_options.ProbeTimeout, () =>
        {
            if (!IsPending(probe))
            {
                return;
            }

            Finish(probe);
            if (probe.WantNack)
            {
                SendPacket(probe.RelayTo!, MessageEncoder.Encode(new NackMessage(probe.RelaySeq)));
            }
        });
    }

    private bool IsPending(PendingProbe probe) => _pending.TryGetValue(probe.Seq, out var current) && current == probe;

    private void Finish(PendingProbe probe)
    {
        probe.Timer?.Dispose();
        _pending.Remove(probe.Seq);
    }

    /// <summary>Forgets dead and left members after the retention time.</summary>
    private void Reap()
    {
        while (_reapQueue.TryPeek(out var head) && _time.GetElapsedTime(head.At) >= _options.DeadMemberRetention)
        {
            _reapQueue.Dequeue();
            if (_members.Find(head.Name) is { IsLive: false } entry && entry.StateChangedAt == head.At && entry != _self)
            {
                _members.Remove(entry);
            }
        }
    }
}
