namespace Sidecar.Agent.Upstreams;

/// <summary>Defaults of the upstream settings (documented on <see cref="Hosting.AgentOptions"/>).</summary>
internal static class UpstreamDefaults
{
    /// <summary>Pull period of remote Service-Centers and heartbeat period towards the home Service-Center.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one HTTP attempt against an upstream.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The most bytes one upstream answer may have (<c>--upstream-max-response-bytes</c>); read while streaming.</summary>
    public const long MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>The most services one pull accepts: Service-Center's default service quota per tenant.</summary>
    public const int MaxServices = 50_000;

    /// <summary>The most instances one pull accepts: Service-Center's default instance quota per tenant.</summary>
    public const int MaxInstances = 150_000;

    /// <summary>A pull removing at least this share of a source's instances at once is held (self-preservation).</summary>
    public const double SelfPreservationRatio = 0.8;

    /// <summary>Self-preservation applies only to sources holding more instances than this.</summary>
    public const int SelfPreservationMinInstances = 5;

    /// <summary>How many later pulls must confirm a held removal before it is applied.</summary>
    public const int SelfPreservationConfirmations = 2;

    /// <summary>The instance property that carries an instance's cluster of origin.</summary>
    public const string ClusterProperty = "cluster";
}
