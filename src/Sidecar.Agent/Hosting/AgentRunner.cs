namespace Sidecar.Agent.Hosting;

/// <summary>
/// Runs the built agent until it stops and turns how it stopped into the exit code. A background service that fails
/// stops the host (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>); the process then exits 1 with one line
/// naming the service, so that its supervisor (kubelet, systemd) restarts it, instead of the 0 a clean stop gives.
/// </summary>
/// <remarks>
/// Per service: gossip and the upstream syncers fail the process this way (their own loops already retry what can be
/// retried: joins, pulls); tombstone purging and auto-registration never fail it (they log and retry, auto-registration
/// with capped backoff).
/// </remarks>
internal static class AgentRunner
{
    /// <exception cref="OptionException">A hosted service refused a setting at start (e.g. the gossip port is in use): exit 2.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">ValidateOnStart refused the settings: exit 2.</exception>
    public static async Task<int> RunAsync(WebApplication app, TextWriter error)
    {
        List<BackgroundService> background;
        try
        {
            // Taken before the run: running disposes the host's services.
            background = [.. app.Services.GetServices<IHostedService>().OfType<BackgroundService>()];
            await app.RunAsync();
        }
        catch (Exception ex) when (ex is not OptionException and not Microsoft.Extensions.Options.OptionsValidationException and not Storage.StorageException)
        {
            // The host has logged the details; the supervisor gets one line.
            await error.WriteLineAsync($"sidecar: the agent failed to start ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")})");
            return 1;
        }

        if (FailureOf(background) is { } failure)
        {
            await error.WriteLineAsync("sidecar: " + failure);
            return 1;
        }

        return 0;
    }

    /// <summary>One line naming the first background service that failed, or null when none did.</summary>
    public static string? FailureOf(IEnumerable<BackgroundService> services)
    {
        var failed = services.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true });
        if (failed?.ExecuteTask?.Exception?.GetBaseException() is not { } exception)
        {
            return null;
        }

        var reason = exception.Message.ReplaceLineEndings(" ");
        return $"{failed.GetType().Name} failed ({exception.GetType().Name}: {reason}); the agent stopped and exits with code 1 so that it is restarted";
    }
}
