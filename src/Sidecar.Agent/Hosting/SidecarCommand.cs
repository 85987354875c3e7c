namespace Sidecar.Agent.Hosting;

/// <summary>Dispatches <c>sidecar &lt;command&gt;</c>; bad input prints one line and exits 2.</summary>
internal static class SidecarCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.Out.WriteLine(HelpText.Text);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            switch (args[0])
            {
                case "agent":
                    StartupProfile.Mark("runtime");
                    var configuration = new ConfigurationBuilder()
                        .SetBasePath(AppContext.BaseDirectory)
                        .AddJsonFile("appsettings.json", optional: true)
                        .Build();
                    if (args.Skip(1).Any(a => a is "--help" or "-h"))
                    {
                        Console.Out.WriteLine(HelpText.Text);
                        return 0;
                    }

                    var options = CommandLine.ParseAgent(args[1..], configuration);
                    StartupProfile.Mark("options");
                    await using (var app = AgentHost.Build(options))
                    {
                        WriterLoopGuard.Attach(app.Services.GetRequiredService<Replication.Replica>(), app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sidecar.Agent.Replica"));
                        return await AgentRunner.RunAsync(app, Console.Error);
                    }

                case "injector":
                    return await Kubernetes.Cli.InjectorCommand.RunAsync(args[1..], CancellationToken.None);
                case "inject":
                    return await Kubernetes.Cli.InjectCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
                default:
                    Console.Error.WriteLine($"sidecar: unknown command '{args[0]}' (commands: agent, injector, inject; see 'sidecar --help')");
                    return 2;
            }
        }
        catch (OptionException ex)
        {
            Console.Error.WriteLine("sidecar: " + ex.Message);
            return 2;
        }
        catch (Storage.StorageException ex)
        {
            Console.Error.WriteLine("sidecar: " + ex.Message);
            return 1;
        }
    }
}
