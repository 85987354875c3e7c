using Sidecar.Gossip;
using Sidecar.Replication;
using Sidecar.Replication.Bridge;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Connects the replica to gossip. Keeps an index of every record by source (fed by the replica's change feed and by
/// received deltas) so that the node's calls, made under its lock, answer from memory:
/// <list type="bullet">
/// <item>changes made here (the local source, and upstream sources this agent pulls) are broadcast; changes that came
/// from gossip are already in the index and are not sent again (the node rebroadcasts what <see cref="ApplyDelta"/>
/// accepts);</item>
/// <item>received deltas are checked by the rules of <see cref="GossipRecordIndex"/> (the replica's
/// <see cref="RecordGate"/> among them) and queued to the replica's writer loop (<see cref="Replica.MergeAsync"/>);</item>
/// <item>when a member is dead or left, its source <c>agent:&lt;name&gt;</c> is dropped as a whole: its records are
/// forgotten (<see cref="ReplicaWriter.Forget"/>, not tombstoned: a tombstone written here would outrank the
/// member's own records when it comes back) and deltas for it are ignored until the member is alive again, with a
/// higher incarnation, and re-announces its records.</item>
/// </list>
/// </summary>
internal sealed partial class ReplicaGossipApplication : IGossipApplication, IDisposable
{
    /// <summary>Records per broadcast delta: small enough to be piggybacked on a UDP packet.</summary>
    public const int PacketDeltaBytes = 1_000;

    /// <summary>Records per push-pull delta.</summary>
    public const int StreamDeltaBytes = 64 * 1024;

    private const int MaxPendingMerges = 4_096;

    private readonly Lock _gate = new();
    private readonly Replica _replica;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GossipRecordIndex _index;
    private readonly IDisposable _subscription;
    private Action<ReadOnlyMemory<byte>, string?>? _broadcast;
    private int _pendingMerges;
    private long _malformed;
    private long _mergesDropped;

    public ReplicaGossipApplication(Replica replica, TimeProvider timeProvider, TimeSpan tombstoneRetention, ILogger logger)
    {
        _replica = replica;
        _time = timeProvider;
        _index = new GossipRecordIndex(replica.Gate, tombstoneRetention);
        _logger = logger;
        _subscription = replica.Subscribe(OnReplicaChanged);
    }

    /// <summary>Raised under the node's lock when a member changes: handlers must only queue work.</summary>
    public event Action<GossipMember>? MemberChanged;

    /// <summary>Raised under the node's lock when another node announces itself under this node's name.</summary>
    public event Action<string>? NameConflict;

    /// <summary>Deltas that did not decode (an authenticated peer sent garbage: a bug or an incompatible version).</summary>
    public long MalformedDeltas => Interlocked.Read(ref _malformed);

    /// <summary>Accepted deltas not merged because too many merges were already queued.</summary>
    public long MergesDropped => Interlocked.Read(ref _mergesDropped);

    /// <summary>Loads the index from the replica (on its writer loop, so no change is missed or counted twice).</summary>
    public Task LoadAsync(CancellationToken cancellationToken) => _replica.WriteAsync(writer =>
    {
        lock (_gate)
        {
            foreach (var record in writer.Records)
            {
                _index.Index(record);
            }
        }

        return 0;
    }, cancellationToken);

    /// <summary>Where local changes go: <see cref="GossipNode.Broadcast"/>.</summary>
    public void Attach(Action<ReadOnlyMemory<byte>, string?> broadcast) => _broadcast = broadcast;

    public bool ApplyDelta(ReadOnlySpan<byte> delta)
    {
        var accepted = new List<Record>();
        lock (_gate)
        {
            if (!_index.TryAccept(delta, _time.GetUtcNow(), accepted))
            {
                Interlocked.Increment(ref _malformed);
                return false;
            }
        }

        if (accepted.Count == 0)
        {
            return false;
        }

        if (Interlocked.Increment(ref _pendingMerges) > MaxPendingMerges)
        {
            Interlocked.Decrement(ref _pendingMerges);
            Interlocked.Increment(ref _mergesDropped);
            return true;
        }

        _replica.MergeAsync(accepted, RecordOrigin.Gossip, CancellationToken.None).ContinueWith(
            static (task, state) =>
            {
                var self = (ReplicaGossipApplication)state!;
                Interlocked.Decrement(ref self._pendingMerges);
                if (task.Exception is { } error)
                {
                    Log.MergeFailed(self._logger, error.GetBaseException());
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }

    public IReadOnlyList<SourceDigest> GetDigest()
    {
        lock (_gate)
        {
            return _index.Digest();
        }
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> GetDeltas(IReadOnlyCollection<string> sources, IReadOnlyList<SourceDigest> peerDigest)
    {
        List<Record> records;
        lock (_gate)
        {
            records = _index.Missing(sources, peerDigest);
        }

        return [.. RecordDeltaCodec.Encode(records, StreamDeltaBytes).Select(d => (ReadOnlyMemory<byte>)d)];
    }

    public void OnMemberChanged(GossipMember member)
    {
        if (member.Name != _replica.NodeName)
        {
            var source = "agent:" + member.Name;
            if (member.IsLive)
            {
                lock (_gate)
                {
                    _index.Undrop(source);
                }
            }
            else
            {
                DropSource(source);
            }
        }

        MemberChanged?.Invoke(member);
    }

    public void OnNameConflict(string address) => NameConflict?.Invoke(address);

    /// <summary>Every record of the local source, as packet-sized deltas (to re-announce them after a (re)join).</summary>
    public List<byte[]> LocalDeltas()
    {
        lock (_gate)
        {
            return RecordDeltaCodec.Encode(_index.RecordsOf(_replica.LocalSource).ToList(), PacketDeltaBytes);
        }
    }

    /// <summary>Agent sources held here (the local one excluded), e.g. to drop those of agents no member knows.</summary>
    public IReadOnlyList<string> AgentSources()
    {
        lock (_gate)
        {
            return [.. _index.Sources.Where(s => s.Source.StartsWith("agent:", StringComparison.Ordinal) && s.Source != _replica.LocalSource).Select(s => s.Source)];
        }
    }

    /// <summary>Drops a source as a whole: forgets its records and ignores deltas for it until <see cref="OnMemberChanged"/> sees it alive.</summary>
    public void DropSource(string source)
    {
        if (source == _replica.LocalSource)
        {
            return;
        }

        lock (_gate)
        {
            if (!_index.Drop(source, _time.GetTimestamp()))
            {
                return;
            }
        }

        _replica.WriteAsync(writer =>
        {
            var keys = writer.Records.Where(r => r.Key.Source == source).Select(r => r.Key).ToList();
            foreach (var key in keys)
            {
                writer.Forget(key);
            }

            return keys.Count;
        }, CancellationToken.None).ContinueWith(
            static (task, state) =>
            {
                var (logger, source) = ((ILogger, string))state!;
                if (task.Exception is { } error)
                {
                    Log.DropFailed(logger, error.GetBaseException(), source);
                }
                else
                {
                    Log.SourceDropped(logger, source, task.Result);
                }
            },
            (_logger, source),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public bool IsDropped(string source)
    {
        lock (_gate)
        {
            return _index.IsDropped(source);
        }
    }

    public void Dispose()
    {
        _broadcast = null;
        _subscription.Dispose();
    }

    /// <summary>On the writer loop after each batch: index the changes, and broadcast those that did not come from gossip.</summary>
    private void OnReplicaChanged(ReplicaChangeSet changes)
    {
        var outgoing = new List<Record>();
        lock (_gate)
        {
            foreach (var change in changes.Changes)
            {
                var record = change.After;
                var source = record.Key.Source;
                if (!_index.Index(record))
                {
                    continue; // dropped source; or came from gossip (indexed when received), or old news
                }

                if (source == _replica.LocalSource || !source.StartsWith("agent:", StringComparison.Ordinal))
                {
                    outgoing.Add(record);
                }
            }

            foreach (var key in changes.Forgotten ?? [])
            {
                _index.Remove(key);
            }
        }

        if (outgoing.Count > 0 && _broadcast is { } broadcast)
        {
            try
            {
                foreach (var record in outgoing)
                {
                    // One record per delta, keyed by the record: a newer version replaces a queued older one.
                    broadcast(RecordDeltaCodec.Encode(record), KeyOf(record.Key));
                }
            }
            catch (ObjectDisposedException)
            {
                // Gossip stopped (shutdown) while the replica still writes: nothing to send to any more.
            }
        }
    }

    private static string KeyOf(in RecordKey key) =>
        string.Join('\u001f', key.Source, ((byte)key.Kind).ToString(System.Globalization.CultureInfo.InvariantCulture), key.Domain, key.Project, key.ServiceId, key.Item);
}
