using Sidecar.Cli;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Manifests;

namespace Sidecar.Kubernetes.Cli;

/// <summary><c>sidecar inject -f file.yaml [-o out.yaml]</c>: the webhook's mutation, applied offline (like <c>istioctl kube-inject</c>).</summary>
public static class InjectCommand
{
    internal const string Description = "Injects the sidecar into the pods and pod templates of a YAML file, offline (the webhook's mutation)";

    /// <summary>Every flag of <c>sidecar inject</c>.</summary>
    internal static readonly Flag[] Flags =
    [
        new("filename", "Pod or workload YAML to inject (required); - reads standard input", null, "file", ["-f"]),
        new("output", "Write the result to this file instead of standard output", null, "file", ["-o"]),
        .. InjectorFlags.MutationFlags,
    ];

    /// <summary>Injects the sidecar into the pods and pod templates of a YAML file.</summary>
    /// <param name="args">The arguments after <c>inject</c>; <c>-f -</c> reads standard input.</param>
    /// <param name="stdout">Receives the YAML when there is no <c>-o</c>.</param>
    /// <param name="stderr">Receives one line per error.</param>
    /// <param name="cancellationToken">Cancels reading and writing.</param>
    /// <returns>0 on success (or after <c>--help</c>), 1 for unreadable input or invalid annotations, 2 for bad flags.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parsed = FlagParser.Parse("inject", Description, Flags, args, stdout);
        if (parsed.HelpShown)
        {
            return 0;
        }

        var error = parsed.Error;
        var flags = parsed.Values is null ? null : InjectorFlags.WithExplicitNone(parsed.Values, new Settings(parsed.Values, Environment.GetEnvironmentVariable, Settings.AppSettings()).Resolve(Flags));
        var options = flags is null ? null : InjectorFlags.ToOptions(flags, Environment.GetEnvironmentVariable, out error);
        if (flags is null || options is null)
        {
            await stderr.WriteLineAsync($"sidecar inject: {error}");
            return 2;
        }

        if (!flags.TryGetValue("filename", out var input))
        {
            await stderr.WriteLineAsync("sidecar inject: flag -f (--filename) is required");
            return 2;
        }

        string yaml;
        try
        {
            yaml = input == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(input, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"sidecar inject: flag -f: cannot read '{input}': {ex.Message}");
            return 1;
        }

        string result;
        try
        {
            result = new WorkloadInjector(new PodMutator(options)).Inject(yaml);
        }
        catch (InvalidDataException ex)
        {
            await stderr.WriteLineAsync($"sidecar inject: {input}: {ex.Message}");
            return 1;
        }

        if (flags.TryGetValue("output", out var output))
        {
            try
            {
                await File.WriteAllTextAsync(output, result, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"sidecar inject: flag -o: cannot write '{output}': {ex.Message}");
                return 1;
            }
        }
        else
        {
            await stdout.WriteAsync(result);
        }

        return 0;
    }
}
