namespace Sidecar.Agent.Tests.Gossip;

/// <summary>Real time (timers, timestamps), with a wall clock shifted by <see cref="Offset"/>: a host whose clock is off.</summary>
internal sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));
        set => Volatile.Write(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
