using System.Numerics;
using Sidecar.Gossip.Wire;

namespace Sidecar.Gossip;

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

    /// <summary>Gossips queued broadcasts to a few random members (the dead recently too, so they can refute).</summary>
    private void GossipTick()
    {
        if (_broadcasts.Count == 0)
        {
            return;
        }

        var targets = RandomMembers(
            _options.GossipNodes,
            e => e.IsLive || _time.GetElapsedTime(e.StateChangedAt) < _options.GossipToTheDeadTime);
        var limit = RetransmitLimit();
        foreach (var target in targets)
        {
            _packetParts.Clear();
            _broadcasts.Take(_packetPayload, GossipCodec.PerMessageOverhead, limit, _packetParts);
            if (_packetParts.Count == 0)
            {
                return;
            }

            _transport.SendPacket(target.Address, GossipCodec.BuildPacket(_packetParts));
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
        var buckets = BucketHashes(BucketCount());
        _transport.SendStream(address, GossipCodec.EncodeStream(new PushPullRequest(Name, Address, join, buckets, _app.GetDigest())));
    }

    private void PushPullRequestReceived(PushPullRequest request)
    {
        var mine = BucketHashes(request.MemberBuckets.Count);
        var response = new PushPullResponse(
            Name,
            Address,
            mine,
            MembersInDifferingBuckets(mine, request.MemberBuckets),
            _app.GetDigest(),
            _app.GetDeltasMissingFrom(request.Digest));
        _transport.SendStream(request.Address, GossipCodec.EncodeStream(response));
    }

    private void PushPullResponseReceived(PushPullResponse response)
    {
        Merge(response.Members, response.Name);
        foreach (var delta in response.Deltas)
        {
            _app.ApplyDelta(delta.Span);
        }

        // Compared after merging: a bucket that still differs holds something the responder lacks.
        var mine = BucketHashes(response.MemberBuckets.Count);
        var members = MembersInDifferingBuckets(mine, response.MemberBuckets);
        var deltas = _app.GetDeltasMissingFrom(response.Digest);
        if (members.Count > 0 || deltas.Count > 0)
        {
            _transport.SendStream(response.Address, GossipCodec.EncodeStream(new PushPullFinal(Name, members, deltas)));
        }
    }

    private void PushPullFinalReceived(PushPullFinal final)
    {
        Merge(final.Members, final.Name);
        foreach (var delta in final.Deltas)
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

    /// <summary>Members are hashed into buckets by name; a bucket's hash covers its members' incarnations and states.</summary>
    private int BucketCount() => (int)Math.Min(MaxBuckets, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _members.LiveCount / 8)));

    private ulong[] BucketHashes(int count)
    {
        var hashes = new ulong[count];
        foreach (var entry in _members.All())
        {
            hashes[(int)(entry.NameHash % (ulong)count)] ^= entry.StateHash;
        }

        return hashes;
    }

    private List<GossipMember> MembersInDifferingBuckets(ulong[] mine, IReadOnlyList<ulong> theirs)
    {
        var members = new List<GossipMember>();
        foreach (var entry in _members.All())
        {
            var bucket = (int)(entry.NameHash % (ulong)mine.Length);
            if (mine[bucket] != theirs[bucket])
            {
                members.Add(entry.ToMember());
            }
        }

        return members;
    }
}
