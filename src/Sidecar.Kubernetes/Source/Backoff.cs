namespace Sidecar.Kubernetes.Source;

/// <summary>The watchers' reconnect delay: doubles per failure up to a cap, and each wait is jittered ±50 % so that
/// many watches (or owners) failing together do not come back in lockstep.</summary>
internal static class Backoff
{
    public static TimeSpan Next(TimeSpan current, TimeSpan max) => current * 2 < max ? current * 2 : max;

    /// <summary>The wait for <paramref name="delay"/>: <paramref name="sample"/> is uniform in [0, 1), so the wait is delay × [0.5, 1.5).</summary>
    public static TimeSpan Jitter(TimeSpan delay, double sample) => delay * (0.5 + sample);
}
