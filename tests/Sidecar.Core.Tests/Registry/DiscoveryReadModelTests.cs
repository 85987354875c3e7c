using Microsoft.Extensions.Time.Testing;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Tests.Registry;

/// <summary>The read model's rules on a real replica: access, tags, dependencies, and the dump built from it.</summary>
public sealed class DiscoveryReadModelTests : IAsyncLifetime
{
    private readonly Replica _replica = new("node1", new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    private readonly LocalRegistry _registry;

    public DiscoveryReadModelTests() => _registry = new LocalRegistry(_replica);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _replica.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _replica.DisposeAsync();

    private async Task<ServiceRef> RegisterAsync(string name, string appId, string? environment = null, string? allowCrossApp = null, string? alias = null)
    {
        var service = new MicroService
        {
            ServiceName = name, AppId = appId, Version = "1.0.0", Environment = environment, Alias = alias,
            Properties = allowCrossApp is null ? null : new Dictionary<string, string> { ["allowCrossApp"] = allowCrossApp },
        };
        var id = await _registry.RegisterServiceAsync(Tenant.Default, new CreateServiceRequest { Service = service }, Ct);
        return new ServiceRef("default", "default", id.Value!);
    }

    [Theory]
    [InlineData("shop", null, null, true)]
    [InlineData("billing", null, null, false)]
    [InlineData("billing", null, "True", true)]
    [InlineData("billing", null, "yes", false)]
    [InlineData("shop", "production", "true", false)]
    public async Task Provider_AccessRule_AppUnlessCrossAppAndAlwaysEnvironment(string providerApp, string? providerEnv, string? allowCrossApp, bool visible)
    {
        var provider = await RegisterAsync("provider", providerApp, providerEnv, allowCrossApp);
        var consumer = await RegisterAsync("consumer", "shop");

        var list = Discovery.Provider(_replica.Snapshot, provider, consumer.ServiceId, null);
        var get = Discovery.Instance(_replica.Snapshot, provider, "any", consumer.ServiceId, null);

        Assert.Equal(visible, list.Ok);
        Assert.Equal(visible ? null : (int?)ErrorCode.ServiceNotExists, list.Error?.ErrorCode);
        // Get-one of an unknown instance is 400017 either way; refused or not, never a 400012 for the provider.
        Assert.Equal(ErrorCode.InstanceNotExists, get.Error?.ErrorCode);
    }

    [Fact]
    public async Task Provider_NewDependency_OnlyUntilRecorded()
    {
        var provider = await RegisterAsync("provider", "shop");
        var consumer = await RegisterAsync("consumer", "shop");

        var first = Discovery.Provider(_replica.Snapshot, provider, consumer.ServiceId, null);
        await _registry.RecordDependencyAsync(first.Value.NewDependency!.Value, first.Value.Provider.NameKey, Ct);
        var second = Discovery.Provider(_replica.Snapshot, provider, consumer.ServiceId, null);
        var anonymous = Discovery.Provider(_replica.Snapshot, provider, null, null);

        Assert.Equal(consumer, first.Value.NewDependency);
        Assert.Null(second.Value.NewDependency);
        Assert.Null(anonymous.Value.NewDependency);
        Assert.Equal("provider", Assert.Single(Dependencies.ProvidersOf(_replica.Snapshot, consumer, noSelf: false).Value!).ServiceName);
        Assert.Equal("consumer", Assert.Single(Dependencies.ConsumersOf(_replica.Snapshot, provider, noSelf: false).Value!).ServiceName);
    }

    [Fact]
    public async Task Dump_Entries_CarryKeysRevisionsAndClusters()
    {
        var provider = await RegisterAsync("provider", "shop", alias: "shop:provider");
        var instance = await _registry.RegisterInstanceAsync(provider, new MicroServiceInstance { HostName = "h", Endpoints = ["rest://1.2.3.4:80"] }, Ct);

        var cache = RegistryDump.Build(_replica.Snapshot, key => key.Kind == RecordKind.Instance ? 7 : 3, source => RegistryDump.ClusterOf(source, "east"));

        var service = Assert.Single(cache.Services!);
        Assert.Equal($"/cse-sr/ms/files/default/default/{provider.ServiceId}", service.Key);
        Assert.Equal((3, "east"), (service.Rev, service.Cluster));
        Assert.Equal(provider.ServiceId, Assert.Single(cache.ServiceIndexes!).Value);
        Assert.Equal("/cse-sr/ms/alias/default/default//shop/shop:provider/1.0.0", Assert.Single(cache.ServiceAliases!).Key);
        var dumped = Assert.Single(cache.Instances!);
        Assert.Equal(($"/cse-sr/inst/files/default/default/{provider.ServiceId}/{instance.Value}", 7L), (dumped.Key, dumped.Rev));
        Assert.Null(cache.ServiceTags);
        Assert.Equal("north", RegistryDump.ClusterOf("sc:north", "east"));
        Assert.Equal("east", RegistryDump.ClusterOf("agent:node2", "east"));
        Assert.Equal("east", RegistryDump.ClusterOf("k8s:east", "east"));
    }
}
