using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Sidecar.Agent.Upstreams;

/// <summary>Keys and composition of the agent's Polly pipelines.</summary>
internal static class SidecarPipelines
{
    /// <summary>Prefix of the per-upstream pipeline keys: <c>sidecar-upstream:&lt;name&gt;</c>.</summary>
    public const string UpstreamPrefix = "sidecar-upstream:";

    /// <summary>The key of the home Service-Center's pipeline (<c>--registry-upstream</c>).</summary>
    public const string HomeUpstream = "sidecar-home-upstream";

    /// <summary>The key of an upstream's pipeline (one per upstream, so one failing upstream trips only its own breaker).</summary>
    public static string Upstream(string name) => UpstreamPrefix + name;

    /// <summary>What counts as an upstream failure: transport errors, 5xx/429 answers and attempt timeouts.</summary>
    public static readonly PredicateBuilder<object> Failures = new PredicateBuilder()
        .Handle<HttpRequestException>()
        .Handle<UpstreamException>(e => e.Transient)
        .Handle<TimeoutRejectedException>();

    /// <summary>
    /// Retry (2 retries, exponential from 200 ms with jitter) around a circuit breaker (opens for 5 s when half of at
    /// least 4 calls in 30 s fail) around a per-attempt timeout. An open breaker fails the call at once, which makes
    /// the pull fail fast and the source stale rather than slow.
    /// </summary>
    public static void ConfigureUpstream(ResiliencePipelineBuilder builder, TimeSpan attemptTimeout)
    {
        builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = Failures,
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = Failures,
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            })
            .AddTimeout(attemptTimeout);
    }
}
