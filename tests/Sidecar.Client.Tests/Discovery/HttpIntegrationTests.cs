using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Configuration;

namespace Sidecar.Client.Tests.Discovery;

/// <summary>The ways .NET apps call through service discovery: HttpClient with AddServiceDiscovery, and YARP.</summary>
public sealed class HttpIntegrationTests(AgentFixture fixture) : IClassFixture<AgentFixture>
{
    private readonly AgentProcess _agent = fixture.Agent;

    [Fact]
    public async Task HttpClient_WithAddServiceDiscovery_CallsTheInstanceOfServer()
    {
        await using var backend = await Backend.StartAsync("backend-1");
        var name = AgentFixture.UniqueName();
        await _agent.RegisterInstanceAsync(await _agent.RegisterServiceAsync(name), backend.RestEndpoint);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSidecarServiceEndpointProvider(o => (o.AgentAddress, o.AppId) = (_agent.Address, "demo"));
        builder.Services.AddHttpClient("server", c => c.BaseAddress = new Uri($"http://{name}")).AddServiceDiscovery();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        using var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("server");
        var answer = await http.GetStringAsync("/employ/add", TestContext.Current.CancellationToken);

        Assert.StartsWith("backend-1 answered /employ/add", answer, StringComparison.Ordinal);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Yarp_RouteWithDestinationHttpServer_ReachesTheInstance()
    {
        await using var backend = await Backend.StartAsync("backend-yarp");
        var name = AgentFixture.UniqueName();
        await _agent.RegisterInstanceAsync(await _agent.RegisterServiceAsync(name), backend.RestEndpoint);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSidecarServiceEndpointProvider(o => (o.AgentAddress, o.AppId) = (_agent.Address, "demo"));
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [new RouteConfig { RouteId = "server", ClusterId = "server", Match = new RouteMatch { Path = "/api/{**rest}" } }],
                [new ClusterConfig { ClusterId = "server", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = $"http://{name}" } } }])
            .AddServiceDiscoveryDestinationResolver();
        await using var proxy = builder.Build();
        proxy.MapReverseProxy();
        await proxy.StartAsync(TestContext.Current.CancellationToken);
        var address = proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var answer = await http.GetStringAsync("/api/hello", TestContext.Current.CancellationToken);

        Assert.StartsWith("backend-yarp answered /api/hello", answer, StringComparison.Ordinal);
        await proxy.StopAsync(TestContext.Current.CancellationToken);
    }
}
