using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sidecar.Client.Registration;

namespace Sidecar.Client.Tests.Registration;

/// <summary>AddSidecarRegistration against a real agent: register on start, heartbeat, register again when lost, unregister on stop.</summary>
public sealed class SidecarRegistrationTests(AgentFixture fixture) : IClassFixture<AgentFixture>
{
    private readonly AgentProcess _agent = fixture.Agent;

    [Fact]
    public async Task AddSidecarRegistration_HostStartsAndStops_RegistersUpThenUnregisters()
    {
        var name = AgentFixture.UniqueName();
        using var host = BuildHost(name, o => o.Properties["zoneHint"] = "z1");

        await host.StartAsync(TestContext.Current.CancellationToken);
        var instance = await WaitForAsync(async () => (await _agent.InstancesAsync(name)).SingleOrDefault());
        Assert.Equal("UP", instance!["status"]!.GetValue<string>());
        Assert.Equal("rest://127.0.0.1:6001", instance["endpoints"]![0]!.GetValue<string>());
        Assert.Equal("z1", instance["properties"]!["zoneHint"]!.GetValue<string>());
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await _agent.InstancesAsync(name));
    }

    [Fact]
    public async Task AddSidecarRegistration_InstanceDeletedAtTheAgent_NextHeartbeatRegistersItAgainWithTheSameId()
    {
        var name = AgentFixture.UniqueName();
        using var host = BuildHost(name);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var registrar = host.Services.GetRequiredService<SidecarRegistrar>();
        var (serviceId, instanceId) = (await WaitForAsync(() => Task.FromResult(registrar.Registered)))!.Value;

        await _agent.UnregisterInstanceAsync(serviceId, instanceId);
        Assert.Empty(await _agent.InstancesAsync(name));

        // The heartbeat (every 5 s here) is refused, and the registrar registers the same instance again.
        var again = await WaitForAsync(async () => (await _agent.InstancesAsync(name)).SingleOrDefault(), TimeSpan.FromSeconds(30));
        Assert.Equal(instanceId, again!["instanceId"]!.GetValue<string>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddSidecarRegistration_NoServiceNameOrEndpoints_FailsOnStartNamingTheSettings()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSidecarRegistration(o => (o.ServiceName, o.AgentAddress) = (null, _agent.Address));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("SIDECAR_SERVICE_NAME", error.Message, StringComparison.Ordinal);
        Assert.Contains("rest://", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(string name, Action<SidecarRegistrationOptions>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSidecarRegistration(o =>
        {
            o.AgentAddress = _agent.Address;
            o.AppId = "demo";
            o.ServiceName = name;
            o.Endpoints.Add("rest://127.0.0.1:6001");
            o.HeartbeatInterval = TimeSpan.FromSeconds(5);
            more?.Invoke(o);
        });
        return builder.Build();
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> read, TimeSpan? timeout = null)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (value is not null || started.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
