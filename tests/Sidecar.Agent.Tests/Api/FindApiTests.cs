using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Find (I4): scoping (spec 2.2), version rules (2.1), X-ConsumerId (2.3), revision and 304 (1.4).</summary>
public sealed class FindApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Consumer(string id) => new() { ["X-ConsumerId"] = id };

    private static IEnumerable<string?> Versions(IEnumerable<JsonElement> instances) =>
        instances.Select(i => i.GetProperty("version").GetString());

    /// <summary>Registers versions 1.0.0, 1.5.0, 2.0.0 of one name with one instance each.</summary>
    private async Task<string> ThreeVersionsAsync()
    {
        var name = UniqueName();
        foreach (var version in new[] { "1.0.0", "1.5.0", "2.0.0" })
        {
            var id = await _server.RegisterServiceAsync(name, version);
            await _server.RegisterInstanceAsync(id);
        }

        return name;
    }

    [Fact]
    public async Task Find_RegisteredInstance_ReturnsItWithRevision()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");

        var instance = Assert.Single(Instances(await ReadJsonAsync(response, HttpStatusCode.OK)));
        Assert.Equal(instanceId, instance.GetProperty("instanceId").GetString());
        Assert.Equal(serviceId, instance.GetProperty("serviceId").GetString());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Resource-Revision").Single()));
    }

    [Fact]
    public async Task Find_ServiceWithoutInstances_ReturnsEmptyObject()
    {
        var name = UniqueName();
        await _server.RegisterServiceAsync(name);

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Find_UnknownService_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={UniqueName()}");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task Find_SameRev_Returns304WithHeader()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name));
        using var first = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");
        var rev = first.Headers.GetValues("X-Resource-Revision").Single();

        using var second = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}&rev={rev}");

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(rev, second.Headers.GetValues("X-Resource-Revision").Single());
        Assert.Equal("", await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Find_Revision_ChangesWhenTheAnswerChangesOnly()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        async Task<string> RevAsync()
        {
            using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("X-Resource-Revision").Single();
        }

        var empty = await RevAsync();
        var instanceId = await _server.RegisterInstanceAsync(serviceId);
        var one = await RevAsync();
        // Unrelated writes: a heartbeat, another service, tags and properties of this one.
        using (var heartbeat = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/heartbeat"))
        {
            await ScAssert.EmptyOkAsync(heartbeat);
        }

        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(UniqueName()));
        var unchanged = await RevAsync();
        await _server.RegisterInstanceAsync(serviceId);
        var two = await RevAsync();

        Assert.NotEqual(empty, one);
        Assert.Equal(one, unchanged);
        Assert.NotEqual(one, two);
    }

    [Fact]
    public async Task Find_ByAlias_ReturnsTheServiceInstances()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name, alias: "app:" + name);
        await _server.RegisterInstanceAsync(serviceId);

        var instances = await _server.FindAsync("app", "app:" + name);

        Assert.Equal(serviceId, Assert.Single(instances).GetProperty("serviceId").GetString());
    }

    [Fact]
    public async Task Find_Environment_IsPartOfTheScope()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name, environment: "production"));

        using var noEnv = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");
        var prod = await _server.FindAsync("app", name, "&env=production");

        await ScAssert.ErrorAsync(noEnv, 400012);
        Assert.Single(prod);
    }

    [Fact]
    public async Task Find_OtherDomainOrProject_DoesNotSeeTheService()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name));

        using var otherDomain = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}", headers: new Dictionary<string, string> { ["X-Domain-Name"] = "other" });
        using var otherProject = await _server.SendAsync(HttpMethod.Get, $"/v4/other/registry/instances?appId=app&serviceName={name}");

        await ScAssert.ErrorAsync(otherDomain, 400012);
        await ScAssert.ErrorAsync(otherProject, 400012);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&version=")]
    [InlineData("&version=0%2B")]
    [InlineData("&version=0%252B")]
    [InlineData("&version=0.0.0%2B")]
    public async Task Find_AllVersionsRule_ReturnsEveryVersionNewestFirst(string query)
    {
        var name = await ThreeVersionsAsync();

        var instances = await _server.FindAsync("app", name, query);

        Assert.Equal(["2.0.0", "1.5.0", "1.0.0"], Versions(instances));
    }

    [Theory]
    [InlineData("latest", new[] { "2.0.0" })]
    [InlineData("1.5.0%2B", new[] { "2.0.0", "1.5.0" })]
    [InlineData("1.5%2B", new[] { "2.0.0", "1.5.0" })]
    [InlineData("1.0.0-2.0.0", new[] { "1.5.0", "1.0.0" })]
    [InlineData("2.0.0-1.4", new[] { "1.5.0" })]
    [InlineData("1.5.0", new[] { "1.5.0" })]
    [InlineData("1.5", new[] { "1.5.0" })]
    public async Task Find_VersionRule_SelectsVersions(string rule, string[] expected)
    {
        var name = await ThreeVersionsAsync();

        var instances = await _server.FindAsync("app", name, "&version=" + rule);

        Assert.Equal(expected, Versions(instances));
    }

    [Theory]
    [InlineData("3.0.0%2B")]
    [InlineData("3.0.0-4.0.0")]
    public async Task Find_RangeMatchingNothing_Returns200Empty(string rule)
    {
        var name = await ThreeVersionsAsync();

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}&version={rule}");

        Assert.Equal("{}", (await ReadJsonAsync(response, HttpStatusCode.OK)).GetRawText());
    }

    [Fact]
    public async Task Find_ExactVersionMissing_Returns400012()
    {
        var name = await ThreeVersionsAsync();

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}&version=3.0.0");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.a")]
    [InlineData("1.32768.0")]
    [InlineData("1.0.0.0.0")]
    public async Task Find_BadVersionRule_Returns400001(string rule)
    {
        var name = await ThreeVersionsAsync();

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}&version={rule}");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Find_Tags_KeepsOnlyProvidersWithAllTags()
    {
        var name = UniqueName();
        var tagged = await _server.RegisterServiceAsync(name, "1.0.0");
        var plain = await _server.RegisterServiceAsync(name, "2.0.0");
        await _server.RegisterInstanceAsync(tagged);
        await _server.RegisterInstanceAsync(plain);
        using (var add = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{tagged}/tags", """{"tags":{"blue":"yes","fast":"yes"}}"""))
        {
            await ScAssert.EmptyOkAsync(add);
        }

        var both = await _server.FindAsync("app", name, "&tags=blue,fast");
        var none = await _server.FindAsync("app", name, "&tags=blue,green");

        Assert.Equal(tagged, Assert.Single(both).GetProperty("serviceId").GetString());
        Assert.Empty(none);
    }

    [Fact]
    public async Task Find_UnknownConsumer_Returns400012()
    {
        var name = UniqueName();
        await _server.RegisterServiceAsync(name);

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}", headers: Consumer("ghost"));

        var error = await ScAssert.ErrorAsync(response, 400012);
        Assert.Contains("ghost", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_Consumer_ItsEnvironmentReplacesTheQuery()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name, environment: "testing"));
        var consumer = await _server.RegisterServiceAsync(UniqueName(), environment: "testing");

        var instances = await _server.FindAsync("app", name, "&env=production", Consumer(consumer));

        Assert.Single(instances);
    }

    [Fact]
    public async Task Find_ConsumerOfOtherApp_FilteredUnlessAllowCrossApp()
    {
        var closed = UniqueName();
        var open = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(closed, appId: "app1"));
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(open, appId: "app1", properties: new Dictionary<string, string> { ["allowCrossApp"] = "true" }));
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "app2");

        using var refused = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app1&serviceName={closed}", headers: Consumer(consumer));
        var allowed = await _server.FindAsync("app1", open, headers: Consumer(consumer));

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("{}", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Single(allowed);
    }

    [Fact]
    public async Task Find_WithConsumer_RecordsTheDependency()
    {
        var provider = UniqueName();
        var providerId = await _server.RegisterServiceAsync(provider);
        var consumer = await _server.RegisterServiceAsync(UniqueName());
        using (var before = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{providerId}/instances"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _server.FindAsync("app", provider, headers: Consumer(consumer));

        // The dependency makes a plain delete of the provider fail.
        using var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}");
        await ScAssert.ErrorAsync(delete, 400023);
    }

    [Fact]
    public async Task Find_WithoutConsumer_RecordsNoDependency()
    {
        var provider = UniqueName();
        var providerId = await _server.RegisterServiceAsync(provider);
        await _server.FindAsync("app", provider);

        using var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}");

        await ScAssert.EmptyOkAsync(delete);
    }

    [Fact]
    public async Task Find_ListWithConsumer_RecordsTheDependency()
    {
        var providerId = await _server.RegisterServiceAsync(UniqueName());
        var consumer = await _server.RegisterServiceAsync(UniqueName());
        await _server.GetJsonAsync($"{V4}/microservices/{providerId}/instances", Consumer(consumer));

        using var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}");

        await ScAssert.ErrorAsync(delete, 400023);
    }

    [Theory]
    [InlineData("serviceName=x")]
    [InlineData("appId=app")]
    [InlineData("appId=&serviceName=x")]
    [InlineData("appId=%20&serviceName=x")]
    [InlineData("appId=app&serviceName=a%20b")]
    [InlineData("appId=app&serviceName=a@b")]
    [InlineData("appId=app&serviceName=x&env=staging")]
    [InlineData("appId=app&serviceName=x&tags=1bad")]
    public async Task Find_BadQuery_Returns400001(string query)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?{query}");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Find_ConsumerIdWithSpace_Returns400001()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName=x", headers: Consumer("a b"));

        await ScAssert.ErrorAsync(response, 400001);
    }
    [Fact]
    public async Task Find_CommonFlags_AreTolerated()
    {
        var name = UniqueName();
        await _server.RegisterInstanceAsync(await _server.RegisterServiceAsync(name));

        var instances = await _server.FindAsync("app", name, "&global=true&noCache=1&cacheOnly=false", new Dictionary<string, string> { ["Authorization"] = "Bearer token" });

        Assert.Single(instances);
    }
}
