namespace Sidecar.Simulation;

/// <summary>One node's view of the virtual clock; its timers do not fire while the node is stalled or crashed.</summary>
internal sealed class SimTimeProvider(EventLoop loop, SimHost host) : TimeProvider
{
    private static readonly DateTimeOffset s_epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => s_epoch + TimeSpan.FromTicks(loop.Now);

    public override long GetTimestamp() => loop.Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new SimTimer(loop, host, callback, state, dueTime, period);
}
