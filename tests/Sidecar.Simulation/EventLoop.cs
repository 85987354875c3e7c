namespace Sidecar.Simulation;

/// <summary>The virtual clock: a priority queue of events ordered by (time, insertion), so runs are deterministic per seed.</summary>
internal sealed class EventLoop
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Virtual time in ticks (100 ns).</summary>
    public long Now { get; private set; }

    public long Processed { get; private set; }

    public void At(long time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _seq++));

    public void After(TimeSpan delay, Action action) => At(Now + delay.Ticks, action);

    public void RunUntil(long time, Func<bool>? stop = null)
    {
        while (_queue.TryPeek(out _, out var at) && at.Time <= time)
        {
            var action = _queue.Dequeue();
            Now = at.Time;
            Processed++;
            action();
            if (stop is not null && (Processed & 1023) == 0 && stop())
            {
                return;
            }
        }

        Now = Math.Max(Now, time);
    }
}
