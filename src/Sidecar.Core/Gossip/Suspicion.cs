namespace Sidecar.Gossip;

/// <summary>
/// Lifeguard's dynamic suspicion timeout: starts at <c>max</c> and falls towards <c>min</c> as independent members
/// confirm the suspicion: <c>max - (max - min) * log(n + 1) / log(k + 1)</c> after n of k expected confirmations.
/// </summary>
internal sealed class Suspicion : IDisposable
{
    private readonly HashSet<string> _confirmations;
    private readonly int _k;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly long _start;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private int _n;

    public Suspicion(string from, int k, TimeSpan min, TimeSpan max, TimeProvider time, Action expired)
    {
        _confirmations = new HashSet<string>(StringComparer.Ordinal) { from };
        _k = k;
        _min = min;
        _max = max;
        _time = time;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((Action)s!)(), expired, Timeout(0, k, min, max), System.Threading.Timeout.InfiniteTimeSpan);
    }

    public int Confirmations => _n;

    /// <summary>Counts a confirmation from a member not heard before and shortens the timer.</summary>
    /// <returns>True if this was a new confirmation (worth rebroadcasting).</returns>
    public bool Confirm(string from)
    {
        if (_n >= _k || !_confirmations.Add(from))
        {
            return false;
        }

        _n++;
        var remaining = Timeout(_n, _k, _min, _max) - _time.GetElapsedTime(_start);
        _timer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>The total timeout after <paramref name="n"/> confirmations.</summary>
    public static TimeSpan Timeout(int n, int k, TimeSpan min, TimeSpan max)
    {
        if (k < 1)
        {
            return min;
        }

        var fraction = Math.Log(n + 1.0) / Math.Log(k + 1.0);
        var raw = max - ((max - min) * fraction);
        return raw < min ? min : raw;
    }

    /// <summary>min = mult × max(1, log10 N) × interval (memberlist's suspicionTimeout).</summary>
    public static TimeSpan MinTimeout(int mult, int members, TimeSpan probeInterval) =>
        probeInterval * (mult * Math.Max(1.0, Math.Log10(Math.Max(1, members))));

    public void Dispose() => _timer.Dispose();
}
