namespace Sidecar.Gossip;

/// <summary>The state of a member as one node sees it (SWIM).</summary>
public enum MemberState : byte
{
    /// <summary>Answers probes, or has refuted the last suspicion.</summary>
    Alive = 0,

    /// <summary>Missed a probe; still a member until the suspicion times out or is refuted.</summary>
    Suspect = 1,

    /// <summary>Declared failed; remembered for a while so that late messages cannot resurrect it.</summary>
    Dead = 2,

    /// <summary>Left gracefully; remembered like a dead member.</summary>
    Left = 3,
}
