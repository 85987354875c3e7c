using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Sidecar.Agent.Upstreams;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>The mirror of an agent's own registrations into its home Service-Center (another in-process agent here).</summary>
public sealed class HomeRegistryMirrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static UpstreamClient ClientFor(Uri url)
    {
        var builder = new ResiliencePipelineBuilder();
        SidecarPipelines.ConfigureUpstream(builder, TimeSpan.FromSeconds(2));
        return new UpstreamClient(new UpstreamEndpoint("home", [url]), builder.Build());
    }

    [Fact]
    public async Task Round_LocalInstance_RegisteredHomeWithSameIdsThenUnregisteredOnShutdown()
    {
        await using var home = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        await using var local = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await local.RegisterServiceAsync("Server", appId: "demo");
        var instanceId = await local.RegisterInstanceAsync(serviceId);
        using var client = ClientFor(home.BaseAddress);
        var mirror = new HomeRegistryMirror(client, local.Replica, NullLogger.Instance);

        await mirror.RoundAsync(Ct);

        var found = await home.FindAsync("demo", "Server");
        Assert.Equal(instanceId, Assert.Single(found).GetProperty("instanceId").GetString());
        Assert.Equal(serviceId, found[0].GetProperty("serviceId").GetString());

        await mirror.UnregisterAllAsync(Ct);

        Assert.Empty(await home.FindAsync("demo", "Server"));
    }

    [Fact]
    public async Task Round_HomeLostInstance_ReregisteredAfter400017()
    {
        await using var home = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        await using var local = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await local.RegisterServiceAsync("Server", appId: "demo");
        var instanceId = await local.RegisterInstanceAsync(serviceId);
        using var client = ClientFor(home.BaseAddress);
        var mirror = new HomeRegistryMirror(client, local.Replica, NullLogger.Instance);
        await mirror.RoundAsync(Ct);

        (await home.SendAsync(HttpMethod.Delete, $"{AgentServer.V4}/microservices/{serviceId}/instances/{instanceId}")).Dispose();
        await mirror.RoundAsync(Ct);

        Assert.Equal(instanceId, Assert.Single(await home.FindAsync("demo", "Server")).GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Round_HomeDown_RegistrationReplayedWhenBack()
    {
        var port = UpstreamTestKit.FreePort();
        await using var local = await AgentServer.StartAsync(dataDir: UpstreamTestKit.TempDir());
        var serviceId = await local.RegisterServiceAsync("Server", appId: "demo");
        var instanceId = await local.RegisterInstanceAsync(serviceId);
        using var client = ClientFor(new Uri($"http://127.0.0.1:{port}"));
        var mirror = new HomeRegistryMirror(client, local.Replica, NullLogger.Instance);

        await mirror.RoundAsync(Ct);
        Assert.Empty(mirror.Registered);

        var dataDir = Directory.CreateTempSubdirectory("sidecar-home-").FullName;
        await using var home = await Storage.SidecarProcess.StartAsync(dataDir, port);
        // The breaker may still be open from the failures: allow a few rounds.
        await AgentServer.EventuallyAsync(async () =>
        {
            await mirror.RoundAsync(Ct);
            using var response = await home.Client.GetAsync("/v4/default/registry/instances?appId=demo&serviceName=Server", Ct);
            return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync(Ct)).Contains(instanceId, StringComparison.Ordinal);
        }, "the registration is replayed to the home Service-Center");
    }
}
