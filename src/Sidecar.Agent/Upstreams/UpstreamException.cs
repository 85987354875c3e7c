namespace Sidecar.Agent.Upstreams;

/// <summary>An upstream answered in a way the agent cannot use; <see cref="Transient"/> when worth retrying (5xx, 429).</summary>
internal sealed class UpstreamException(string message, bool transient) : Exception(message)
{
    public bool Transient { get; } = transient;
}
