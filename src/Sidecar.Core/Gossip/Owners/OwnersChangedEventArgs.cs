namespace Sidecar.Gossip.Owners;

/// <summary>The upstream sources whose owner set changed, and whether this node owns each now.</summary>
public sealed class OwnersChangedEventArgs(IReadOnlyList<string> sources) : EventArgs
{
    public IReadOnlyList<string> Sources { get; } = sources;
}
