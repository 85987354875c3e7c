namespace Sidecar.Gossip;

/// <summary>
/// Lifeguard's local health multiplier: grows when this node misses nacks or has to refute, shrinks on successful
/// probes; probe interval and timeout are scaled by <c>score + 1</c>.
/// </summary>
internal sealed class Awareness(int max)
{
    private readonly int _max = max;

    public int Score { get; private set; }

    public void Apply(int delta) => Score = Math.Clamp(Score + delta, 0, _max - 1);

    public TimeSpan Scale(TimeSpan timeout) => timeout * (Score + 1);
}
