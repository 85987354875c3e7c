using Sidecar.Gossip;

namespace Sidecar.Simulation;

/// <summary>What scenarios measure: first receipt of a record, and every member state change seen by a host.</summary>
internal interface ISimObserver
{
    void RecordLearned(SimHost host, string source, string key);

    void MemberChanged(SimHost observer, GossipMember member);
}
