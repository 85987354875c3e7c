namespace Sidecar.Gossip;

/// <summary>
/// One node's record of a member. Entries of a shared <see cref="MemberSnapshot"/> are never mutated: the
/// <see cref="MemberTable"/> copies them on the first write.
/// </summary>
internal sealed class MemberEntry(string name, string address, uint incarnation, MemberState state, ulong nameHash, bool inBase, bool shared)
{
    public string Name { get; } = name;

    private ulong _addressHash = StableHash.Of(address);

    public string Address
    {
        get;
        set
        {
            field = value;
            _addressHash = StableHash.Of(value);
        }
    } = address;

    public uint Incarnation { get; set; } = incarnation;

    public MemberState State { get; set; } = state;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last state change.</summary>
    public long StateChangedAt { get; set; }

    public Suspicion? Suspicion { get; set; }

    /// <summary>Reaped: forgotten after <see cref="GossipOptions.DeadMemberRetention"/>.</summary>
    public bool Removed { get; set; }

    public ulong NameHash { get; } = nameHash;

    /// <summary>The name has a slot in the shared snapshot.</summary>
    public bool InBase { get; } = inBase;

    /// <summary>The object belongs to a shared snapshot and must not be mutated.</summary>
    public bool Shared { get; } = shared;

    public bool IsLive => State is MemberState.Alive or MemberState.Suspect;

    /// <summary>
    /// Hash of what push-pull compares: name, address, incarnation and state (the address too, so that two nodes
    /// under one name differ and learn about each other).
    /// </summary>
    public ulong StateHash => StableHash.Combine(StableHash.Combine(NameHash, _addressHash), ((ulong)Incarnation << 8) | (byte)State);

    public GossipMember ToMember() => new(Name, Address, Incarnation, State);

    public MemberEntry CloneLocal() => new(Name, Address, Incarnation, State, NameHash, InBase, shared: false) { StateChangedAt = StateChangedAt };
}
