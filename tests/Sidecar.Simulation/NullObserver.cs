using Sidecar.Gossip;

namespace Sidecar.Simulation;

internal class NullObserver : ISimObserver
{
    public virtual void RecordLearned(SimHost host, string source, string key)
    {
    }

    public virtual void MemberChanged(SimHost observer, GossipMember member)
    {
    }
}
