using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

public sealed partial class GossipNode
{
    private const string MemberKeyPrefix = "m:";
    private const string DeltaKeyPrefix = "d:";

    /// <summary>Handles a datagram. Garbage is counted and dropped as a whole; it never throws.</summary>
    public void HandlePacket(ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!GossipCodec.TryDecodePacket(packet, _received))
            {
                MalformedMessages++;
                return;
            }

            // Dispatch may send, which reuses no input state, but copy the list: handlers can re-enter nothing else.
            // Membership before record deltas: a refuting member's re-announced records are queued after its alive
            // message, so they come first in the packet (newest first), and a receiver that dropped the member's
            // source applies them only once it has seen the member alive again (else only push-pull repairs it).
            foreach (var message in _received.ToArray().OrderBy(m => m is DeltaMessage ? 1 : 0))
            {
                Dispatch(message, viaStream: false);
            }
        }
    }

    /// <summary>Handles a stream message (push-pull, large delta). Garbage is counted and dropped; it never throws.</summary>
    public void HandleStream(ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!GossipCodec.TryDecodeStream(message, out var decoded))
            {
                MalformedMessages++;
                return;
            }

            Dispatch(decoded!, viaStream: true);
        }
    }

    /// <summary>
    /// Disseminates an application delta: piggybacked and retransmitted up to the limit if it fits in a packet,
    /// otherwise pushed over the stream transport to a few random members, which forward it if it is new to them.
    /// </summary>
    /// <param name="delta">The encoded delta; <see cref="IGossipApplication.ApplyDelta"/> decodes it on the other side.</param>
    /// <param name="key">Optional: a queued delta with the same key is replaced (a newer version of the same record).</param>
    public void Broadcast(ReadOnlyMemory<byte> delta, string? key = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var message = MessageEncoder.Encode(new DeltaMessage(delta));
            if (message.Length + GossipCodec.PerMessageOverhead <= _packetPayload)
            {
                EnqueueBroadcast(message, key is null ? null : DeltaKeyPrefix + key);
            }
            else
            {
                PushByStream(new StreamDeltaMessage(delta));
            }
        }
    }

    private void Dispatch(GossipMessage message, bool viaStream)
    {
        switch (message)
        {
            case PingMessage m when m.Target == Name && viaStream:
                _transport.SendStream(m.SourceAddress, GossipCodec.EncodeStream(new AckMessage(m.Seq)));
                break;
            case PingMessage m:
                if (m.Target == Name)
                {
                    SendPacket(m.SourceAddress, MessageEncoder.Encode(new AckMessage(m.Seq)));
                }

                break;
            case IndirectPingMessage m:
                Relay(m);
                break;
            case AckMessage m:
                AckReceived(m.Seq);
                break;
            case NackMessage m:
                if (_pending.TryGetValue(m.Seq, out var probe) && probe.RelayTo is null)
                {
                    probe.Nacks++;
                }

                break;
            case AliveMessage m:
                AliveReceived(m.Incarnation, m.Name, m.Address);
                break;
            case SuspectMessage m:
                SuspectReceived(m.Incarnation, m.Name, m.From);
                break;
            case DeadMessage m:
                DeadReceived(m.Incarnation, m.Name, m.From);
                break;
            case DeltaMessage m:
                if (_app.ApplyDelta(m.Payload.Span))
                {
                    EnqueueBroadcast(MessageEncoder.Encode(m), null);
                }

                break;
            case StreamDeltaMessage m:
                if (_app.ApplyDelta(m.Payload.Span))
                {
                    PushByStream(m);
                }

                break;
            case PushPullRequest m:
                PushPullRequestReceived(m);
                break;
            case PushPullResponse m:
                PushPullResponseReceived(m);
                break;
            case PushPullFinal m:
                PushPullFinalReceived(m);
                break;
            case PushPullDeltas m:
                ApplyAll(m.Deltas);
                break;
        }
    }

    /// <summary>Sends one message with as many queued broadcasts piggybacked as fit in the packet.</summary>
    private void SendPacket(string address, byte[] message)
    {
        _packetParts.Clear();
        _packetParts.Add(message);
        _broadcasts.Take(_packetPayload - message.Length - GossipCodec.PerMessageOverhead, GossipCodec.PerMessageOverhead, RetransmitLimit(), _packetParts);
        _transport.SendPacket(address, GossipCodec.BuildPacket(_packetParts));
    }

    private void PushByStream(StreamDeltaMessage message)
    {
        var bytes = GossipCodec.EncodeStream(message);
        foreach (var peer in RandomMembers(_options.GossipNodes, e => e.State == MemberState.Alive))
        {
            _transport.SendStream(peer.Address, bytes);
        }
    }

    private void EnqueueMember(GossipMessage message)
    {
        var name = message switch
        {
            AliveMessage m => m.Name,
            SuspectMessage m => m.Name,
            DeadMessage m => m.Name,
            _ => throw new ArgumentException("Not a membership message.", nameof(message)),
        };
        EnqueueBroadcast(MessageEncoder.Encode(message), MemberKeyPrefix + name);
    }

    private int RetransmitLimit() => _broadcasts.RetransmitLimit(_members.LiveCount);

    /// <summary>Up to <paramref name="count"/> distinct random members other than this node that match the filter.</summary>
    private List<MemberEntry> RandomMembers(int count, Func<MemberEntry, bool> filter)
    {
        var result = new List<MemberEntry>(count);
        var slots = _members.SlotCount;
        for (var attempt = 0; attempt < 3 * slots && result.Count < count; attempt++)
        {
            var entry = _members.AtSlot(_random.Next(slots));
            if (entry is not null && entry != _self && filter(entry) && !result.Contains(entry))
            {
                result.Add(entry);
            }
        }

        return result;
    }
}
