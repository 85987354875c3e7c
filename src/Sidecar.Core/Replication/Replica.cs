using System.Threading.Channels;

namespace Sidecar.Replication;

/// <summary>
/// The registry replica. One writer loop applies every change (API writes, peer and upstream merges, lease expiry),
/// commits the batch to the store, then publishes an immutable snapshot that readers use without locking, and hands
/// the changes to observers (watchers, gossip).
/// </summary>
/// <remarks>
/// Supervision: an operation that throws is undone and only its caller gets the exception; a batch whose commit fails
/// is undone in memory (nothing published, nothing handed to observers) and every caller gets a
/// <see cref="ReplicaUnavailableException"/>. A fault after the commit (building the snapshot, an observer) would leave
/// memory and disk apart: the loop stops, <see cref="Faulted"/> is raised (the agent exits non-zero), and later writes
/// fail at once instead of waiting forever.
/// </remarks>
public sealed class Replica : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan s_sweepPeriod = TimeSpan.FromSeconds(1);

    private readonly Channel<Operation> _operations = Channel.CreateUnbounded<Operation>(new() { SingleReader = true });
    private readonly ReplicaState _state;
    private readonly IReplicaStore _store;
    private readonly Lock _observersLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Action<ReplicaChangeSet>[] _observers = [];
    private RegistrySnapshot _published = RegistrySnapshot.Empty;
    private TaskCompletionSource _nextPublish = NewSignal();
    private Task? _loop;
    private ITimer? _sweepTimer;
    private int _pending;
    private long _progressAt;
    private long _leasesExpired;
    private volatile string? _fault;
    private volatile string? _storeError;

    public Replica(string nodeName, TimeProvider timeProvider, IReplicaStore? store = null, RecordGate? gate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        NodeName = nodeName;
        LocalSource = "agent:" + nodeName;
        TimeProvider = timeProvider;
        Clock = new HybridLogicalClock(timeProvider);
        _state = new ReplicaState(new SourcePreference(LocalSource));
        _store = store ?? NullReplicaStore.Instance;
        Gate = gate ?? new RecordGate(timeProvider);
        _progressAt = timeProvider.GetTimestamp();
    }

    /// <summary>Raised once, with a one-line reason, when the writer loop stops after a fault it cannot undo.</summary>
    public event Action<string>? Faulted;

    /// <summary>The check every record merged or restored passes (<see cref="ReplicaWriter.Merge"/>, <see cref="Restore"/>).</summary>
    public RecordGate Gate { get; }

    public string NodeName { get; }

    /// <summary>The source of records written through this agent: <c>agent:&lt;node&gt;</c>.</summary>
    public string LocalSource { get; }

    public TimeProvider TimeProvider { get; }

    public HybridLogicalClock Clock { get; }

    /// <summary>The latest published snapshot. Never blocks.</summary>
    public RegistrySnapshot Snapshot => Volatile.Read(ref _published);

    /// <summary>Leases of local instances, on the monotonic clock; touched only by the writer loop.</summary>
    internal Dictionary<RecordKey, LeaseTimer> Leases { get; } = [];

    /// <summary>
    /// Loads persisted state before <see cref="Start"/>: records as they were, leases with their persisted expiry
    /// (so an instance keeps what was left of its lease; one that passed while the agent was down expires at the
    /// first sweep). From here on a lease counts down on the monotonic clock.
    /// </summary>
    public void Restore(IEnumerable<Record> records, IEnumerable<KeyValuePair<RecordKey, Lease>> leases)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("Restore must come before Start.");
        }

        foreach (var record in records)
        {
            // A bad record in the file is skipped (and counted), never a reason not to start.
            if (!Gate.Admit(record, RecordOrigin.Restore))
            {
                continue;
            }

            if (record.Key.Source == LocalSource)
            {
                Clock.Observe(record.Version.Clock);
            }

            _state.Apply(record);
        }

        foreach (var (key, lease) in leases)
        {
            Leases[key] = LeaseTimer.Restore(lease, TimeProvider);
        }

        Volatile.Write(ref _published, _state.Publish());
    }

    /// <summary>Forgets tombstones older than <paramref name="retention"/>, so churn does not grow the replica.</summary>
    public Task<int> PurgeTombstonesAsync(TimeSpan retention) => WriteAsync(writer =>
    {
        var horizon = writer.Now - retention;
        var old = _state.Records.Where(r => r.IsTombstone && HybridLogicalClock.ToTime(r.Version.Clock) < horizon).Select(r => r.Key).ToList();
        foreach (var key in old)
        {
            writer.Forget(key);
        }

        return old.Count;
    }, CancellationToken.None);

    /// <summary>Starts the writer loop and the lease sweep.</summary>
    public void Start()
    {
        _loop ??= Task.Run(RunAsync);
        _sweepTimer ??= TimeProvider.CreateTimer(_ => _ = SweepAsync(), null, s_sweepPeriod, s_sweepPeriod);
    }

    /// <summary>Runs an operation on the writer loop; completes once its changes are committed and published.</summary>
    /// <exception cref="ReplicaUnavailableException">The store failed to commit the batch, or the loop has stopped.</exception>
    public Task<T> WriteAsync<T>(Func<ReplicaWriter, T> operation, CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            return Task.FromException<T>(new ReplicaUnavailableException(fault));
        }

        var item = new Operation<T>(operation);
        if (Interlocked.Increment(ref _pending) == 1)
        {
            // Idle until now: the wait for progress starts here.
            Volatile.Write(ref _progressAt, TimeProvider.GetTimestamp());
        }

        if (!_operations.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _pending);
            return _fault is { } stopped
                ? Task.FromException<T>(new ReplicaUnavailableException(stopped))
                : Task.FromException<T>(new ObjectDisposedException(nameof(Replica)));
        }

        return item.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Merges records written elsewhere; returns how many changed the replica (refused ones are counted by <see cref="Gate"/>).</summary>
    public Task<int> MergeAsync(IReadOnlyList<Record> records, RecordOrigin origin, CancellationToken cancellationToken) =>
        WriteAsync(writer => records.Count(r => writer.Merge(r, origin)), cancellationToken);

    /// <summary>
    /// The loop's state for probes: stopped (<see cref="ReplicaHealth.Fault"/>), stuck (work waiting without a batch
    /// completing), or unable to commit (<see cref="ReplicaHealth.StoreError"/>).
    /// </summary>
    public ReplicaHealth Health()
    {
        var stuckFor = Volatile.Read(ref _pending) > 0 ? TimeProvider.GetElapsedTime(Volatile.Read(ref _progressAt)) : TimeSpan.Zero;
        return new ReplicaHealth(_fault, stuckFor, _storeError ?? _store.WriteError);
    }

    /// <summary>
    /// Commits an empty durable batch through the loop: succeeds when the store can write again (clearing
    /// <see cref="ReplicaHealth.StoreError"/>), throws <see cref="ReplicaUnavailableException"/> while it cannot.
    /// </summary>
    public Task ProbeStoreAsync(CancellationToken cancellationToken) => WriteAsync(writer =>
    {
        writer.ForceDurableCommit();
        return 0;
    }, cancellationToken);

    /// <summary>Calls <paramref name="observer"/> on the writer loop after each published batch. Keep it quick.</summary>
    public IDisposable Subscribe(Action<ReplicaChangeSet> observer)
    {
        lock (_observersLock)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    /// <summary>Completes when a snapshot with an index above <paramref name="index"/> is published.</summary>
    public Task WaitForChangeAsync(long index, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _nextPublish);
        return Snapshot.Index > index ? Task.CompletedTask : signal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Instances removed because their lease passed, since start (metric <c>sidecar_lease_expirations_total</c>).</summary>
    public long LeasesExpired => Interlocked.Read(ref _leasesExpired);

    /// <summary>Removes the instances whose lease has passed (announced as deletions).</summary>
    /// <remarks>Monotonic time: a wall-clock step forward (NTP) does not expire every instance at once.</remarks>
    public Task<int> SweepAsync() => WriteAsync(writer =>
    {
        var expired = Leases.Where(p => p.Value.HasExpired(TimeProvider)).Select(p => p.Key).ToList();
        foreach (var key in expired)
        {
            writer.Delete(key);
        }

        Interlocked.Add(ref _leasesExpired, expired.Count);
        return expired.Count;
    }, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_sweepTimer is not null)
        {
            await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        }

        _operations.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        var reader = _operations.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var writer = new ReplicaWriter(this, _state);
            while (batch.Count < MaxBatch && reader.TryRead(out var operation))
            {
                var mark = writer.Mark();
                try
                {
                    operation.Run(writer);
                }
                catch (Exception ex)
                {
                    // Contained: this operation's changes are undone and only its caller hears about it.
                    writer.RollbackTo(mark);
                    operation.SetError(ex);
                }

                batch.Add(operation);
            }

            try
            {
                await CommitAndPublishAsync(writer, batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Stop(batch, $"the replica writer loop stopped: {ex.GetType().Name}: {ex.Message}");
                return;
            }
            finally
            {
                Interlocked.Add(ref _pending, -batch.Count);
                Volatile.Write(ref _progressAt, TimeProvider.GetTimestamp());
                batch.Clear();
            }
        }
    }

    private async Task CommitAndPublishAsync(ReplicaWriter writer, List<Operation> batch)
    {
        var persisted = writer.ToBatch();
        if (!persisted.IsEmpty || writer.ForcesCommit)
        {
            try
            {
                await _store.CommitAsync(persisted, _stopping.Token).ConfigureAwait(false);
                if (persisted.Durable)
                {
                    _storeError = null;
                }
            }
            catch (Exception ex)
            {
                // Nothing of this batch may be acknowledged or shown: memory goes back to what the store holds.
                writer.RollbackTo(default);
                _state.Publish();
                _state.ResetSnapshot(_published);
                _storeError = ex.Message;
                var error = new ReplicaUnavailableException("the registry could not be saved: " + ex.Message, ex);
                foreach (var operation in batch)
                {
                    operation.Fail(error);
                }

                return;
            }
        }

        var before = _published;
        var after = _state.Publish();
        if (!ReferenceEquals(before, after))
        {
            Volatile.Write(ref _published, after);
            Interlocked.Exchange(ref _nextPublish, NewSignal()).TrySetResult();
        }

        // Observers first, so that a writer that has its answer can rely on them having seen its change.
        if (!persisted.IsEmpty)
        {
            var localActivity = persisted.Durable || persisted.Leases.Any(l => l.Value is not null);
            var changeSet = new ReplicaChangeSet(before, after, writer.Changes, localActivity, persisted.Forgotten.Count > 0 ? persisted.Forgotten : null);
            foreach (var observer in Volatile.Read(ref _observers))
            {
                observer(changeSet);
            }
        }

        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    /// <summary>Stops the loop for good: fails the batch and everything queued, and raises <see cref="Faulted"/>.</summary>
    private void Stop(List<Operation> batch, string reason)
    {
        _fault = reason;
        _operations.Writer.TryComplete();
        var error = new ReplicaUnavailableException(reason);
        foreach (var operation in batch)
        {
            operation.Fail(error);
        }

        while (_operations.Reader.TryRead(out var queued))
        {
            Interlocked.Decrement(ref _pending);
            queued.Fail(error);
        }

        Faulted?.Invoke(reason);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private abstract class Operation
    {
        public abstract void Run(ReplicaWriter writer);

        public abstract void SetError(Exception exception);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Operation<T>(Func<ReplicaWriter, T> operation) : Operation
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(ReplicaWriter writer) => _result = operation(writer);

        public override void SetError(Exception exception) => _error = exception;

        public override void Complete()
        {
            if (_error is null)
            {
                Completion.TrySetResult(_result!);
            }
            else
            {
                Completion.TrySetException(_error);
            }
        }

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class Subscription(Replica replica, Action<ReplicaChangeSet> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (replica._observersLock)
            {
                replica._observers = [.. replica._observers.Where(o => o != observer)];
            }
        }
    }
}
