using Sidecar.Agent.Storage;

namespace Sidecar.Agent.Gossip;

/// <summary>Where an agent keeps the members it last saw, so that after a restart it can rejoin through them.</summary>
internal interface IMemberStore
{
    IReadOnlyList<PersistedMember> LoadMembers();

    /// <summary>Replaces the saved members (may be written later, in the background).</summary>
    void SaveMembers(IReadOnlyList<PersistedMember> members);
}
