using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// What the probes report. Liveness (<c>/v1/health</c>) fails when the writer loop stopped, or has had work waiting
/// for longer than <see cref="AgentOptions.WriterStuckAfter"/> without finishing a batch: kubelet then restarts
/// the agent. Readiness (<c>/v1/health/ready</c>) also fails while the store cannot write; it probes the store
/// through the loop (an empty durable commit) so that it turns ready again as soon as the store can write.
/// </summary>
internal sealed class AgentHealth(Replica replica, Readiness readiness, AgentOptions options)
{
    /// <summary>How long a readiness request waits for the store probe.</summary>
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Why the agent is not alive; null when it is.</summary>
    public string? NotAlive()
    {
        var health = replica.Health();
        if (health.Fault is { } fault)
        {
            return fault;
        }

        return health.StuckFor > options.WriterStuckAfter
            ? $"the replica writer loop has made no progress for {health.StuckFor.TotalSeconds:F0} s"
            : null;
    }

    /// <summary>Why the agent should not take traffic; null when it should.</summary>
    public async Task<string?> NotReadyAsync(CancellationToken cancellationToken)
    {
        if (!readiness.IsReady)
        {
            return readiness.Reason;
        }

        if (NotAlive() is { } dead)
        {
            return dead;
        }

        if (replica.Health().StoreError is null)
        {
            return null;
        }

        try
        {
            await replica.ProbeStoreAsync(cancellationToken).WaitAsync(s_probeTimeout, cancellationToken);
            return null;
        }
        catch (TimeoutException)
        {
            return "the replica store did not answer a write probe";
        }
        catch (ReplicaUnavailableException ex)
        {
            return "the replica store cannot write: " + ex.Message;
        }
    }
}
