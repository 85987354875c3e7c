using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>Purges old tombstones once a minute so that churn does not grow the replica or its file.</summary>
internal sealed class ReplicaMaintenance(Replica replica, AgentOptions options, TimeProvider timeProvider) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(Min(s_period, options.TombstoneRetention), timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await replica.PurgeTombstonesAsync(options.TombstoneRetention);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
