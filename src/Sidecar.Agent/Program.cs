using Sidecar.Agent.Hosting;

// Composition root: picks the command, then hands over to its host.
return await SidecarCommand.RunAsync(args);

/// <summary>Entry point type (also used by tests to find the assembly).</summary>
public partial class Program;
