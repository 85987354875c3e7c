using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>Purges old tombstones once a minute so that churn does not grow the replica or its file.</summary>
/// <remarks>A failed purge (e.g. a full disk) is logged and tried again at the next period; it never stops the agent.</remarks>
internal sealed partial class ReplicaMaintenance(Replica replica, AgentOptions options, TimeProvider timeProvider, ILogger<ReplicaMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(Min(s_period, options.TombstoneRetention), timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await replica.PurgeTombstonesAsync(options.TombstoneRetention);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.PurgeFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
