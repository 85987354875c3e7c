using System.Net.Sockets;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// Wires <see cref="GossipAgent"/> to the host. Start binds the gossip port and makes a first join attempt, so that
/// a port in use or a node name already held by a live member stops the agent with a one-line error; the rest runs
/// in the background (joining retries with backoff); stopping leaves the cluster gracefully.
/// </summary>
/// <remarks>Takes <see cref="GossipInstruments"/> so that they exist while gossip runs.</remarks>
internal sealed partial class GossipHostedService(GossipAgent agent, GossipInstruments instruments, ILogger<GossipHostedService> logger) : BackgroundService
{
    public GossipInstruments Instruments { get; } = instruments;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await agent.StartAsync(cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new OptionException($"--gossip-bind {agent.Transport.LocalEndpoint?.ToString() ?? agent.Options.Address}: cannot listen ({ex.SocketErrorCode}); use a free port");
        }

        await agent.JoinAsync(agent.Options.ProbeInterval * 3, cancellationToken);
        if (agent.NameConflictAddress is { } other)
        {
            await agent.DisposeAsync();
            throw new OptionException($"--node-name '{agent.Node.Name}' is already held by a live agent at {other}: give this agent another --node-name (or its own --data-dir)");
        }

        agent.MarkSettled();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await agent.LeaveAsync(TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Already stopped (refused at start).
        }

        await agent.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await agent.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.Failed(logger, ex);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, EventName = "GossipFailed", Level = LogLevel.Critical,
            Message = "Gossip stopped on an unexpected error; the agent stops and exits with code 1 so that it is restarted.")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
