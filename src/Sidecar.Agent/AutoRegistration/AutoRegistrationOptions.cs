using Sidecar.Registry;

namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// What the agent registers for its pod's app (spec/kubernetes.md section 3) and how it watches the app port.
/// Read from the injected environment by <see cref="AutoRegistrationEnvironment"/>.
/// </summary>
internal sealed record AutoRegistrationOptions
{
    /// <value>Lease settings of the registered instance: push, 30 s interval, 3 misses (TTL 120 s, as Service-Center).</value>
    public static readonly HealthCheck Lease = new() { Mode = "push", Interval = 30, Times = 3 };

    /// <value>The service record: appId, serviceName, version, environment (env <c>SIDECAR_APP_ID</c> and so on).</value>
    public required MicroService Service { get; init; }

    /// <value>
    /// The instance record to register: deterministic instanceId (<c>POD_UID</c> without dashes), hostName, endpoint,
    /// properties. Its status is set by the probe.
    /// </value>
    public required MicroServiceInstance Instance { get; init; }

    /// <value>Where the app is probed: <c>POD_IP</c> (what peers use), else 127.0.0.1.</value>
    public required string ProbeHost { get; init; }

    /// <value>Env <c>SIDECAR_APP_PORT</c>.</value>
    public required int AppPort { get; init; }

    /// <value>Env <c>SIDECAR_APP_HEALTH_PATH</c>: probe with <c>GET http://host:port/path</c> (2xx/3xx is healthy) instead of a TCP connect.</value>
    public string? HealthPath { get; init; }

    /// <value>Env <c>SIDECAR_APP_PROBE_INTERVAL</c>; default 5 s.</value>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <value>Env <c>SIDECAR_APP_PROBE_TIMEOUT</c>; default 1 s.</value>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <value>Env <c>SIDECAR_APP_FAILURE_THRESHOLD</c>: consecutive failed probes before the instance is marked DOWN; default 2.</value>
    public int FailureThreshold { get; init; } = 2;

    /// <value>How often the lease is renewed: a quarter of its TTL (30 s for the default 120 s).</value>
    public TimeSpan RenewInterval { get; init; } = InstanceValidatorTtl / 4;

    /// <value>
    /// Env <c>SIDECAR_APP_DRAIN_DELAY</c>; default 5 s. After unregistering on shutdown the agent waits this long so
    /// peers see the deletion before the pod's endpoints vanish.
    /// </value>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <value>
    /// First delay before a failed registration is tried again: 1 s, doubling after each failure up to
    /// <see cref="MaxRetryDelay"/>. Retries never stop.
    /// </value>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <value>The cap of the registration retry delay: 30 s.</value>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    private static TimeSpan InstanceValidatorTtl => Validation.InstanceValidator.TtlOf(Lease);
}
