using System.Numerics;
using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

/// <summary>
/// Push-pull anti-entropy in four steps, each sending only what differs:
/// request (bucket hashes of members and sources) → response (responder's members and digests in differing buckets)
/// → final (requester's members and digests there, plus deltas the responder lacks) → deltas the requester lacks.
/// </summary>
public sealed partial class GossipNode
{
    private const int MaxBuckets = 1024;

    /// <summary>Joins a cluster through any of these addresses (a push-pull with each).</summary>
    public void Join(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var address in addresses)
            {
                SendPushPullRequest(address, join: true);
            }
        }
    }

    private void PushPullTick()
    {
        _pushPullTimer!.Change(PushPullInterval(), Timeout.InfiniteTimeSpan);
        if (!_leaving && RandomMembers(1, e => e.State == MemberState.Alive) is [var peer])
        {
            SendPushPullRequest(peer.Address, join: false);
        }
    }

    /// <summary>memberlist's pushPullScale: the interval grows by ceil(log2 N − log2 32) + 1 above 32 members.</summary>
    private TimeSpan PushPullInterval()
    {
        var members = _members.LiveCount;
        var scale = members <= 32 ? 1 : (int)Math.Ceiling(Math.Log2(members) - Math.Log2(32)) + 1;
        return _options.PushPullInterval * scale;
    }

    private void SendPushPullRequest(string address, bool join)
    {
        var count = (int)Math.Min(MaxBuckets, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _members.LiveCount / 8)));
        var request = new PushPullRequest(Name, Address, join, MemberBuckets(count), SourceBuckets(_app.GetDigest(), count));
        _transport.SendStream(address, GossipCodec.EncodeStream(request));
    }

    private void PushPullRequestReceived(PushPullRequest request)
    {
        var count = request.MemberBuckets.Count;
        var members = MemberBuckets(count);
        var digest = _app.GetDigest();
        var sources = SourceBuckets(digest, count);
        var response = new PushPullResponse(
            Name,
            Address,
            members,
            sources,
            MembersInDifferingBuckets(members, request.MemberBuckets),
            DigestInDifferingBuckets(digest, sources, request.SourceBuckets));
        _transport.SendStream(request.Address, GossipCodec.EncodeStream(response));
    }

    private void PushPullResponseReceived(PushPullResponse response)
    {
        Merge(response.Members, response.Name);

        // Compared after merging: a member bucket that still differs holds something the responder lacks.
        var count = response.MemberBuckets.Count;
        var members = MembersInDifferingBuckets(MemberBuckets(count), response.MemberBuckets);
        var digest = _app.GetDigest();
        var sourceBuckets = SourceBuckets(digest, count);
        var mine = DigestInDifferingBuckets(digest, sourceBuckets, response.SourceBuckets);
        var deltas = mine.Count > 0 || response.Digest.Count > 0 ? _app.GetDeltas(Sources(mine), response.Digest) : [];
        if (members.Count > 0 || mine.Count > 0 || deltas.Count > 0)
        {
            _transport.SendStream(response.Address, GossipCodec.EncodeStream(new PushPullFinal(Name, Address, sourceBuckets, members, mine, deltas)));
        }
    }

    private void PushPullFinalReceived(PushPullFinal final)
    {
        // What the requester lacks, computed before applying its deltas so that what it sent is not echoed back.
        var digest = _app.GetDigest();
        var ours = DigestInDifferingBuckets(digest, SourceBuckets(digest, final.SourceBuckets.Count), final.SourceBuckets);
        var deltas = ours.Count > 0 ? _app.GetDeltas(Sources(ours), final.Digest) : [];
        Merge(final.Members, final.Name);
        ApplyAll(final.Deltas);
        if (deltas.Count > 0)
        {
            _transport.SendStream(final.Address, GossipCodec.EncodeStream(new PushPullDeltas(Name, deltas)));
        }
    }

    private void ApplyAll(IReadOnlyList<ReadOnlyMemory<byte>> deltas)
    {
        foreach (var delta in deltas)
        {
            _app.ApplyDelta(delta.Span);
        }
    }

    /// <summary>memberlist's mergeState: a remote "dead" only makes us suspect; "left" is taken as is.</summary>
    private void Merge(IReadOnlyList<GossipMember> members, string sender)
    {
        foreach (var member in members)
        {
            switch (member.State)
            {
                case MemberState.Alive:
                    AliveReceived(member.Incarnation, member.Name, member.Address);
                    break;
                case MemberState.Left:
                    DeadReceived(member.Incarnation, member.Name, member.Name);
                    break;
                default:
                    if (_members.Find(member.Name) is null && member.State == MemberState.Suspect)
                    {
                        AliveReceived(member.Incarnation, member.Name, member.Address);
                    }

                    SuspectReceived(member.Incarnation, member.Name, sender);
                    break;
            }
        }
    }

    private static int Bucket(ulong nameHash, int count) => (int)(nameHash % (ulong)count);

    private static int Bucket(string source, int count) => Bucket(StableHash.Of(source), count);

    private ulong[] MemberBuckets(int count)
    {
        var hashes = new ulong[count];
        foreach (var entry in _members.All())
        {
            hashes[Bucket(entry.NameHash, count)] ^= entry.StateHash;
        }

        return hashes;
    }

    private static ulong[] SourceBuckets(IReadOnlyList<SourceDigest> digest, int count)
    {
        var hashes = new ulong[count];
        foreach (var source in digest)
        {
            var name = StableHash.Of(source.Source);
            hashes[Bucket(name, count)] ^= StableHash.Combine(name, StableHash.Combine(source.Hash, (ulong)source.MaxClock ^ ((ulong)source.Count << 48)));
        }

        return hashes;
    }

    private List<GossipMember> MembersInDifferingBuckets(ulong[] mine, IReadOnlyList<ulong> theirs)
    {
        var members = new List<GossipMember>();
        foreach (var entry in _members.All())
        {
            var bucket = Bucket(entry.NameHash, mine.Length);
            if (mine[bucket] != theirs[bucket])
            {
                members.Add(entry.ToMember());
            }
        }

        return members;
    }

    private static List<SourceDigest> DigestInDifferingBuckets(IReadOnlyList<SourceDigest> digest, ulong[] mine, IReadOnlyList<ulong> theirs)
    {
        var result = new List<SourceDigest>();
        foreach (var source in digest)
        {
            var bucket = Bucket(source.Source, mine.Length);
            if (mine[bucket] != theirs[bucket])
            {
                result.Add(source);
            }
        }

        return result;
    }

    private static HashSet<string> Sources(IEnumerable<SourceDigest> digest) => digest.Select(d => d.Source).ToHashSet(StringComparer.Ordinal);
}
