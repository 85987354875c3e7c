using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

public sealed partial class GossipNode
{
    /// <summary>
    /// Leaves gracefully: broadcasts this node as left and stops probing. Keep handling messages until
    /// <see cref="HasPendingBroadcasts"/> is false (or a short timeout), then dispose.
    /// </summary>
    public void Leave()
    {
        lock (_gate)
        {
            if (_leaving || _disposed)
            {
                return;
            }

            _leaving = true;
            DeadReceived(_self.Incarnation, Name, Name);
            GossipTick();
        }
    }

    private void AliveReceived(uint incarnation, string name, string address)
    {
        if (name == Name)
        {
            if (address != Address)
            {
                _app.OnNameConflict(address);
            }

            // Someone announces us with a newer incarnation (an earlier life of this node): outbid it.
            if (incarnation > _self.Incarnation && !_leaving)
            {
                Refute(incarnation);
            }

            return;
        }

        var now = _time.GetTimestamp();
        var entry = _members.Find(name);
        if (entry is null)
        {
            entry = _members.Add(name, address, incarnation, MemberState.Alive, now);
            EnqueueMember(new AliveMessage(incarnation, name, address));
            Notify(entry);
            return;
        }

        // A live member keeps its address; a dead one may come back elsewhere, with a higher incarnation.
        if (incarnation <= entry.Incarnation || (address != entry.Address && entry.IsLive))
        {
            return;
        }

        entry = _members.Writable(entry);
        CancelSuspicion(entry);
        entry.Address = address;
        _members.SetState(entry, incarnation, MemberState.Alive, now);
        EnqueueMember(new AliveMessage(incarnation, name, address));
        Notify(entry);
    }

    private void SuspectReceived(uint incarnation, string name, string from)
    {
        if (_members.Find(name) is not { } entry || incarnation < entry.Incarnation)
        {
            return;
        }

        if (entry.Suspicion is { } suspicion)
        {
            // Lifeguard: an independent confirmation shortens the timeout; pass it on so others count it too.
            if (suspicion.Confirm(from))
            {
                EnqueueMember(new SuspectMessage(incarnation, name, from));
            }

            return;
        }

        if (!entry.IsLive)
        {
            return;
        }

        if (name == Name)
        {
            if (!_leaving)
            {
                Refute(incarnation);
            }

            return;
        }

        EnqueueMember(new SuspectMessage(incarnation, name, from));
        entry = _members.Writable(entry);
        _members.SetState(entry, incarnation, MemberState.Suspect, _time.GetTimestamp());
        var members = _members.LiveCount;
        var k = members - 2 < _options.SuspicionMult - 2 ? 0 : _options.SuspicionMult - 2;
        var min = Suspicion.MinTimeout(_options.SuspicionMult, members, _options.ProbeInterval);
        entry.Suspicion = new Suspicion(from, k, min, min * _options.SuspicionMaxTimeoutMult, _time, () => Fire(() => SuspicionExpired(name, incarnation)));
        Notify(entry);
    }

    private void SuspicionExpired(string name, uint incarnation)
    {
        if (_members.Find(name) is { State: MemberState.Suspect } entry && entry.Incarnation == incarnation)
        {
            DeadReceived(incarnation, name, Name);
        }
    }

    private void DeadReceived(uint incarnation, string name, string from)
    {
        if (_members.Find(name) is not { IsLive: true } entry || incarnation < entry.Incarnation)
        {
            return;
        }

        if (name == Name && !_leaving)
        {
            Refute(incarnation);
            return;
        }

        var now = _time.GetTimestamp();
        EnqueueMember(new DeadMessage(incarnation, name, from));
        entry = _members.Writable(entry);
        CancelSuspicion(entry);
        _members.SetState(entry, incarnation, from == name ? MemberState.Left : MemberState.Dead, now);
        _reapQueue.Enqueue((now, name));
        Notify(entry);
    }

    /// <summary>SWIM refutation: outbid the accusation with a higher incarnation; Lifeguard counts it against our health.</summary>
    private void Refute(uint accused)
    {
        _self.Incarnation = Math.Max(accused, _self.Incarnation) + 1;
        _awareness.Apply(1);
        EnqueueMember(new AliveMessage(_self.Incarnation, Name, Address));
        Notify(_self);
    }

    private static void CancelSuspicion(MemberEntry entry)
    {
        entry.Suspicion?.Dispose();
        entry.Suspicion = null;
    }
}
