using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>S10: the dependencies that finds with <c>X-ConsumerId</c> record, read in both directions.</summary>
public sealed class DependencyApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static Dictionary<string, string> Consumer(string id) => new() { ["X-ConsumerId"] = id };

    private static List<string> Ids(JsonElement json, string property) =>
        json.TryGetProperty(property, out var list) ? [.. list.EnumerateArray().Select(s => s.GetProperty("serviceId").GetString()!)] : [];

    [Fact]
    public async Task Providers_AfterFindWithConsumer_ListEveryVersionOfTheProvider()
    {
        var provider = UniqueName();
        var v1 = await _server.RegisterServiceAsync(provider, "1.0.0");
        var v2 = await _server.RegisterServiceAsync(provider, "2.0.0");
        var consumer = await _server.RegisterServiceAsync(UniqueName());
        Assert.Equal("{}", await _server.GetTextAsync($"{V4}/microservices/{consumer}/providers"));

        await _server.FindAsync("app", provider, headers: Consumer(consumer));

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{consumer}/providers");
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal([v2, v1], Ids(json, "providers"));
        var first = json.GetProperty("providers")[0];
        Assert.Equal(provider, first.GetProperty("serviceName").GetString());
        Assert.Equal("2.0.0", first.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Consumers_AfterFindsAndLists_ListEachConsumerOnce()
    {
        var provider = UniqueName();
        var providerId = await _server.RegisterServiceAsync(provider);
        var a = await _server.RegisterServiceAsync(UniqueName("a"));
        var b = await _server.RegisterServiceAsync(UniqueName("b"));
        Assert.Equal("{}", await _server.GetTextAsync($"{V4}/microservices/{providerId}/consumers"));

        await _server.FindAsync("app", provider, headers: Consumer(a));
        await _server.FindAsync("app", provider, headers: Consumer(a));
        await _server.GetJsonAsync($"{V4}/microservices/{providerId}/instances", Consumer(b));

        var json = await _server.GetJsonAsync($"{V4}/microservices/{providerId}/consumers");
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), Ids(json, "consumers"));
    }

    [Fact]
    public async Task ProvidersAndConsumers_NoSelf_LeaveOutTheServiceItself()
    {
        var name = UniqueName();
        var self = await _server.RegisterServiceAsync(name);
        var other = UniqueName();
        var otherId = await _server.RegisterServiceAsync(other);
        await _server.FindAsync("app", name, headers: Consumer(self));
        await _server.FindAsync("app", other, headers: Consumer(self));

        var providers = await _server.GetJsonAsync($"{V4}/microservices/{self}/providers");
        var providersNoSelf = await _server.GetJsonAsync($"{V4}/microservices/{self}/providers?noSelf=1&sameDomain=1");
        var consumers = await _server.GetJsonAsync($"{V4}/microservices/{self}/consumers");
        var consumersNoSelf = await _server.GetJsonAsync($"{V4}/microservices/{self}/consumers?noSelf=true");

        Assert.Equal(new[] { self, otherId }.Order(StringComparer.Ordinal), Ids(providers, "providers").Order(StringComparer.Ordinal));
        Assert.Equal([otherId], Ids(providersNoSelf, "providers"));
        Assert.Equal([self], Ids(consumers, "consumers"));
        Assert.Equal("{}", consumersNoSelf.GetRawText());
    }

    [Fact]
    public async Task Consumers_FindByAlias_CountsForTheAliasOwner()
    {
        var alias = UniqueName("alias");
        var providerId = await _server.RegisterServiceAsync(UniqueName(), alias: alias);
        var consumer = await _server.RegisterServiceAsync(UniqueName());

        await _server.FindAsync("app", alias, headers: Consumer(consumer));

        Assert.Equal([consumer], Ids(await _server.GetJsonAsync($"{V4}/microservices/{providerId}/consumers"), "consumers"));
        Assert.Equal([providerId], Ids(await _server.GetJsonAsync($"{V4}/microservices/{consumer}/providers"), "providers"));
    }

    [Fact]
    public async Task ProvidersAndConsumers_UnknownService_Returns400012()
    {
        using var providers = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/nope/providers");
        using var consumers = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/nope/consumers");

        await ScAssert.ErrorAsync(providers, 400012);
        await ScAssert.ErrorAsync(consumers, 400012);
    }

    [Fact]
    public async Task Providers_BadServiceId_Returns400001()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/a%20b/providers");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Dependencies_AreScopedToTheTenant()
    {
        var provider = UniqueName();
        var headers = new Dictionary<string, string> { ["X-Domain-Name"] = "other" };
        var providerId = await _server.RegisterServiceAsync(provider, domain: "other");
        var consumer = await _server.RegisterServiceAsync(UniqueName(), domain: "other");
        await _server.FindAsync("app", provider, headers: new Dictionary<string, string>(headers) { ["X-ConsumerId"] = consumer });

        var inTenant = await _server.GetJsonAsync($"{V4}/microservices/{consumer}/providers", headers);
        using var fromDefault = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{consumer}/providers");

        Assert.Equal([providerId], Ids(inTenant, "providers"));
        await ScAssert.ErrorAsync(fromDefault, 400012);
    }

    [Fact]
    public async Task Dependency_IsPersistedAcrossRestart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sidecar-dep-" + Guid.NewGuid().ToString("N"));
        try
        {
            string providerId, consumer;
            await using (var first = await StartAsync(dataDir: dataDir))
            {
                var provider = UniqueName();
                providerId = await first.RegisterServiceAsync(provider);
                consumer = await first.RegisterServiceAsync(UniqueName());
                await first.FindAsync("app", provider, headers: Consumer(consumer));
            }

            await using var second = await StartAsync(dataDir: dataDir);
            var json = await second.GetJsonAsync($"{V4}/microservices/{providerId}/consumers");
            Assert.Equal([consumer], Ids(json, "consumers"));
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }
}
