using System.Reflection;
using Sidecar.Cli;
using Sidecar.Kubernetes.Cli;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Dispatches <c>sidecar &lt;command&gt;</c>. Every command parses its own flags with <see cref="FlagParser"/> (one set of
/// rules, <c>--help</c> per command); bad input prints one line and exits 2.
/// </summary>
internal static class SidecarCommand
{
    /// <summary>The commands, for help and for suggestions.</summary>
    public static readonly (string Name, string Description)[] Commands =
    [
        ("agent", Cli.AgentFlags.Description),
        ("injector", InjectorCommand.Description),
        ("inject", InjectCommand.Description),
        ("status", Cli.StatusCommand.Description),
        ("members", Cli.MembersCommand.Description),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "-?" or "help")
        {
            Console.Out.WriteLine(HelpText.Root());
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] is "--version")
        {
            Console.Out.WriteLine("sidecar " + Version);
            return 0;
        }

        try
        {
            switch (args[0])
            {
                case "agent":
                    StartupProfile.Mark("runtime");
                    if (FlagParser.Parse("agent", Cli.AgentFlags.Description, Cli.AgentFlags.All, args[1..], Console.Out).HelpShown)
                    {
                        return 0;
                    }

                    var options = CommandLine.ParseAgent(args[1..], Settings.AppSettings());
                    StartupProfile.Mark("options");
                    await using (var app = AgentHost.Build(options))
                    {
                        WriterLoopGuard.Attach(app.Services.GetRequiredService<Replication.Replica>(), app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar.Agent.Replica"));
                        return await AgentRunner.RunAsync(app, Console.Error);
                    }

                case "injector":
                    return await InjectorCommand.RunAsync(args[1..], CancellationToken.None);
                case "inject":
                    return await InjectCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
                case "status":
                    return await Cli.StatusCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
                case "members":
                    return await Cli.MembersCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
                default:
                    var suggestion = FlagParser.Suggest(args[0], Commands.Select(c => c.Name));
                    Console.Error.WriteLine($"sidecar: unknown command '{args[0]}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")} (commands: {string.Join(", ", Commands.Select(c => c.Name))}; see 'sidecar --help')");
                    return 2;
            }
        }
        catch (OptionException ex)
        {
            Console.Error.WriteLine("sidecar: " + ex.Message);
            return 2;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            // A validator's first failure already names the flag.
            Console.Error.WriteLine("sidecar: " + ex.Failures.First());
            return 2;
        }
        catch (Storage.StorageException ex)
        {
            Console.Error.WriteLine("sidecar: " + ex.Message);
            return 1;
        }
    }

    /// <summary>The informational version the build stamped (without the source revision).</summary>
    public static string Version =>
        (typeof(SidecarCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
