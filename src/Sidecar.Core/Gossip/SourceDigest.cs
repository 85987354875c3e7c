namespace Sidecar.Gossip;

/// <summary>
/// A summary of the application records of one source, exchanged by push-pull so that each side sends only the
/// sources the other lacks or holds differently.
/// </summary>
/// <param name="Source">Source id, e.g. <c>agent:node-1</c> or <c>k8s:east</c>.</param>
/// <param name="MaxClock">Highest version clock of the source's records (tombstones included).</param>
/// <param name="Count">Number of records (tombstones included).</param>
/// <param name="Hash">Order-independent hash of the (key, version) pairs; equal digests mean equal sources.</param>
public readonly record struct SourceDigest(string Source, long MaxClock, int Count, ulong Hash);
