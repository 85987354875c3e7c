namespace Sidecar.Simulation;

internal sealed class SimTimer : ITimer
{
    private readonly EventLoop _loop;
    private readonly SimHost _host;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private TimeSpan _period;
    private int _generation;
    private bool _disposed;

    public SimTimer(EventLoop loop, SimHost host, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _loop = loop;
        _host = host;
        _callback = callback;
        _state = state;
        Change(dueTime, period);
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }

        _generation++;
        _period = period;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Schedule(dueTime.Ticks, _generation);
        }

        return true;
    }

    public void Dispose() => _disposed = true;

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private void Schedule(long delay, int generation) => _loop.At(_loop.Now + delay, () => Fire(generation));

    private void Fire(int generation)
    {
        if (_disposed || generation != _generation || _host.Crashed)
        {
            return;
        }

        if (_host.StalledUntil > _loop.Now)
        {
            _loop.At(_host.StalledUntil, () => Fire(generation));
            return;
        }

        if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
        {
            Schedule(_period.Ticks, generation);
        }

        _callback(_state);
    }
}
