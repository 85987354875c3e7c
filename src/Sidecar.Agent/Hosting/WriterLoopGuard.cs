using Sidecar.Replication;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// What a stopped writer loop does to the process: it cannot serve writes any more and memory may differ from disk,
/// so the agent logs one line and exits with <see cref="ExitCode"/>, and its supervisor (kubelet) restarts it from
/// the data dir. Never a silent dead loop.
/// </summary>
internal static partial class WriterLoopGuard
{
    /// <summary>EX_SOFTWARE: an internal fault.</summary>
    public const int ExitCode = 70;

    public static void Attach(Replica replica, ILogger logger) => replica.Faulted += reason =>
    {
        Log.WriterLoopStopped(logger, reason);
        Console.Error.WriteLine("sidecar: " + reason);
        // Off the writer loop: Exit runs shutdown handlers, which wait for the loop to end.
        _ = Task.Run(() => Environment.Exit(ExitCode));
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3102, EventName = "WriterLoopStopped", Level = LogLevel.Critical,
            Message = "{Reason}; the agent exits so that it restarts from its data dir.")]
        public static partial void WriterLoopStopped(ILogger logger, string reason);
    }
}
