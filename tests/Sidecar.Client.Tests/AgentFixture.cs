namespace Sidecar.Client.Tests;

/// <summary>One agent process shared by the tests of a class; each test uses its own service names.</summary>
public sealed class AgentFixture : IAsyncLifetime
{
    internal AgentProcess Agent { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Agent = await AgentProcess.StartAsync();

    public async ValueTask DisposeAsync() => await Agent.DisposeAsync();

    /// <summary>A mixed-case name, as Service-Center services are usually named ("Server").</summary>
    public static string UniqueName(string prefix = "Server") => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}
