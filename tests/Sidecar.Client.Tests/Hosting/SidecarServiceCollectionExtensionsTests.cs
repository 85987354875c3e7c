using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client.Discovery;

namespace Sidecar.Client.Tests.Hosting;

public sealed class SidecarServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddSidecarServiceEndpointProvider_CalledTwice_RegistersOneFactoryAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddSidecarServiceEndpointProvider(o => o.AppId = "demo");
        services.AddSidecarServiceEndpointProvider(o => o.Environment = "production");
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IServiceEndpointProviderFactory>().OfType<SidecarServiceEndpointProviderFactory>());
        var options = provider.GetRequiredService<IOptions<SidecarServiceEndpointProviderOptions>>().Value;
        Assert.Equal(("demo", "production"), (options.AppId, options.Environment));
        Assert.NotNull(provider.GetService<ServiceEndpointResolver>());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:30100", "demo", "AgentAddress")]
    [InlineData(null, "demo", "SIDECAR_HTTP_ADDRESS")]
    [InlineData("http://127.0.0.1:30100", " ", "SIDECAR_APP_ID")]
    public async Task AddSidecarServiceEndpointProvider_InvalidOptions_HostFailsOnStartNamingTheSetting(string? address, string appId, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSidecarServiceEndpointProvider(o => (o.AgentAddress, o.AppId) = (address is null ? null : new Uri(address), appId));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://localhost")]
    [InlineData("http://server:8080")]
    [InlineData("http://[::1]")]
    public async Task TryCreateProvider_AddressRatherThanServiceName_LeavesItToOtherProviders(string name)
    {
        var services = new ServiceCollection();
        services.AddSidecarServiceEndpointProvider();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetServices<IServiceEndpointProviderFactory>().OfType<SidecarServiceEndpointProviderFactory>().Single();
        Assert.True(ServiceEndpointQuery.TryParse(name, out var query));

        Assert.False(factory.TryCreateProvider(query, out _));
        Assert.True(ServiceEndpointQuery.TryParse("https+http://Server", out var service));
        Assert.True(factory.TryCreateProvider(service, out var created));
        Assert.Equal("Sidecar", created.ToString());
        await created.DisposeAsync();
    }
}
