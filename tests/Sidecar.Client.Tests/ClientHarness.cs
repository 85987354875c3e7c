using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client.Agent;

namespace Sidecar.Client.Tests;

/// <summary>The client as an app wires it (AddSidecarServiceEndpointProvider), with its agent requests counted and its logs kept.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ClientHarness(Uri agent, string appId = "demo")
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton(new SidecarAgentClient(Handler));
        services.AddSidecarServiceEndpointProvider(o =>
        {
            o.AgentAddress = agent;
            o.AppId = appId;
        });
        _services = services.BuildServiceProvider();
        Resolver = _services.GetRequiredService<ServiceEndpointResolver>();
        Logs = _services.GetFakeLogCollector();
    }

    public CountingHandler Handler { get; } = new();

    public ServiceEndpointResolver Resolver { get; }

    public FakeLogCollector Logs { get; }

    public async Task<string[]> EndpointsAsync(string name)
    {
        var source = await Resolver.GetEndpointsAsync(name, TestContext.Current.CancellationToken);
        return [.. source.Endpoints.Select(e => e.EndPoint is UriEndPoint uri ? uri.Uri.GetLeftPart(UriPartial.Authority) : e.EndPoint.ToString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Waits (reading the resolver's cache, not the agent) until the endpoints equal <paramref name="expected"/>.</summary>
    public async Task<string[]> WaitForEndpointsAsync(string name, string[] expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] current;
        do
        {
            current = await EndpointsAsync(name);
            if (current.SequenceEqual(expected.Order(StringComparer.Ordinal)))
            {
                return current;
            }

            await Task.Delay(10);
        }
        while (DateTime.UtcNow < deadline);

        return current;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
