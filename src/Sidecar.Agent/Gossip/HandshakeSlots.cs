using System.Net;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Inbound TCP connections whose sealed header has not been authenticated yet: at most <paramref name="perAddress"/>
/// per remote address and <paramref name="total"/> in all. A new connection is always admitted: when its address
/// holds all of its slots, that address's oldest connection is evicted (closed), else when all slots are taken the
/// oldest of all is. A real peer sends its 41-byte header right after connecting and leaves within a round trip, so
/// only connections that hold a slot without sending (slow-loris) live long enough to be evicted, and they cannot lock
/// a real peer out, even one behind the same address (the per-address connection rate bounds the churn).
/// </summary>
internal sealed class HandshakeSlots(int total, int perAddress)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Slot> _slots = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];

    /// <summary>Connections waiting for their header.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>A slot for a new connection.</summary>
    /// <param name="from">The connection's remote address.</param>
    /// <param name="evicted">Whether an older connection was evicted to make room (its <see cref="Slot.Evicted"/> is cancelled).</param>
    public Slot Admit(IPAddress from, out bool evicted)
    {
        evicted = false;
        Slot? oldest = null;
        Slot slot;
        lock (_gate)
        {
            if (_perAddress.GetValueOrDefault(from) >= perAddress)
            {
                oldest = _slots.First(s => s.From.Equals(from));
            }
            else if (_slots.Count >= total)
            {
                oldest = _slots.First!.Value;
            }

            if (oldest is not null)
            {
                RemoveLocked(oldest);
            }

            slot = new Slot(from);
            slot.Node = _slots.AddLast(slot);
            _perAddress[from] = _perAddress.GetValueOrDefault(from) + 1;
        }

        if (oldest is not null)
        {
            // Outside the lock: cancelling runs the evicted read's callbacks.
            evicted = true;
            oldest.Evict();
        }

        return slot;
    }

    /// <summary>The connection's header arrived (or it ended): frees its slot.</summary>
    public void Release(Slot slot)
    {
        lock (_gate)
        {
            if (slot.Node?.List is not null)
            {
                RemoveLocked(slot);
            }
        }
    }

    private void RemoveLocked(Slot slot)
    {
        _slots.Remove(slot.Node!);
        slot.Node = null;
        if (_perAddress[slot.From] is var count && count <= 1)
        {
            _perAddress.Remove(slot.From);
        }
        else
        {
            _perAddress[slot.From] = count - 1;
        }
    }

    internal sealed class Slot(IPAddress from) : IDisposable
    {
        private readonly CancellationTokenSource _evicted = new();

        public IPAddress From { get; } = from;

        /// <summary>Cancelled when the slot is evicted for a newer connection.</summary>
        public CancellationToken Evicted => _evicted.Token;

        internal LinkedListNode<Slot>? Node { get; set; }

        public void Dispose() => _evicted.Dispose();

        internal void Evict()
        {
            try
            {
                _evicted.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection ended meanwhile.
            }
        }
    }
}
