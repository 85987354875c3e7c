using System.Net;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Quotas (400100) on a real agent with small limits; a refused write changes nothing.</summary>
public sealed class QuotaTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync(configure: o => o with
    {
        Quotas = new RegistryQuotas { ServicesPerTenant = 2, InstancesPerTenant = 3, SchemasPerService = 2, TagsPerService = 2 },
    });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RegisterService_OverTenantQuota_Answers400100AndChangesNothing()
    {
        await _server.RegisterServiceAsync("one");
        await _server.RegisterServiceAsync("two");
        var before = _server.Replica.Snapshot.Index;

        using var refused = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", """{"service":{"serviceName":"three","appId":"app","version":"1.0.0"}}""");

        var error = await ScAssert.ErrorAsync(refused, ErrorCode.NotEnoughQuota);
        Assert.Equal("Not enough quota", error.GetProperty("errorMessage").GetString());
        Assert.Contains("--quota-services", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, _server.Replica.Snapshot.Index);
        Assert.Equal(2, _server.Replica.Snapshot.Services.Count);

        // Re-registering an existing service is no creation; another tenant has its own count.
        Assert.Equal(await _server.RegisterServiceAsync("one"), await _server.RegisterServiceAsync("one"));
        await _server.RegisterServiceAsync("three", domain: "other");
    }

    [Fact]
    public async Task RegisterService_SeveralInOneBatch_NeverExceedsTheQuota()
    {
        // Concurrent registrations share writer batches: the count must include what the batch already added.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", $$$"""{"service":{"serviceName":"par{{{i}}}","appId":"app","version":"1.0.0"}}""");
            return response.StatusCode;
        }));

        Assert.Equal(2, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, _server.Replica.Snapshot.Services.Count);
    }

    [Fact]
    public async Task RegisterInstance_OverTenantQuota_Answers400100AndChangesNothing()
    {
        var first = await _server.RegisterServiceAsync("one");
        var second = await _server.RegisterServiceAsync("two");
        await _server.RegisterInstanceAsync(first);
        await _server.RegisterInstanceAsync(first);
        var kept = await _server.RegisterInstanceAsync(second);

        using var refused = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{second}/instances", """{"instance":{"hostName":"h","endpoints":["rest://10.0.0.9:80"]}}""");

        await ScAssert.ErrorAsync(refused, ErrorCode.NotEnoughQuota);
        Assert.Equal(3, _server.Replica.Snapshot.Services.Values.Sum(s => s.Instances.Length));

        // Re-registering an existing instance renews it (no creation); freeing one makes room again.
        using var renew = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{second}/instances", $$$"""{"instance":{"instanceId":"{{{kept}}}","hostName":"h"}}""");
        Assert.Equal(HttpStatusCode.OK, renew.StatusCode);
        using (var delete = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{second}/instances/{kept}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        await _server.RegisterInstanceAsync(second);
    }

    [Fact]
    public async Task RegisterService_WithMoreInstancesThanTheQuota_RegistersNothing()
    {
        var name = UniqueName();
        var instances = string.Join(',', Enumerable.Range(0, 4).Select(i => $$$"""{"hostName":"h{{{i}}}"}"""));
        using var refused = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices",
            $$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"1.0.0"},"instances":[{{{instances}}}]}""");

        await ScAssert.ErrorAsync(refused, ErrorCode.NotEnoughQuota);
        Assert.Empty(_server.Replica.Snapshot.Services);
    }

    [Fact]
    public async Task AddTags_OverServiceQuota_Answers400100AndKeepsTheTags()
    {
        var serviceId = await _server.RegisterServiceAsync("tagged");
        using (var ok = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/tags", """{"tags":{"a":"v1","b":"v2"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/tags", """{"tags":{"c":"v3"}}""");
        using var overwrite = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/tags", """{"tags":{"a":"v9"}}""");

        await ScAssert.ErrorAsync(refused, ErrorCode.NotEnoughQuota);
        Assert.Equal(HttpStatusCode.OK, overwrite.StatusCode);
        var tags = _server.Replica.Snapshot.Services.Values.Single().Tags;
        Assert.Equal(["a", "b"], tags.Keys.Order());
        Assert.Equal("v9", tags["a"]);
    }

    [Fact]
    public async Task PutSchema_OverServiceQuota_Answers400100AndKeepsTheSchemas()
    {
        var serviceId = await _server.RegisterServiceAsync("schemed");
        foreach (var id in new[] { "s1", "s2" })
        {
            using var ok = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/schemas/{id}", """{"schema":"x"}""");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/schemas/s3", """{"schema":"x"}""");
        using var replaceAll = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/schemas",
            """{"schemas":[{"schemaId":"a","schema":"x"},{"schemaId":"b","schema":"x"},{"schemaId":"c","schema":"x"}]}""");
        using var updateKnown = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/schemas/s1", """{"schema":"y"}""");

        await ScAssert.ErrorAsync(refused, ErrorCode.NotEnoughQuota);
        await ScAssert.ErrorAsync(replaceAll, ErrorCode.NotEnoughQuota);
        Assert.Equal(HttpStatusCode.OK, updateKnown.StatusCode);
        Assert.Equal(["s1", "s2"], _server.Replica.Snapshot.Services.Values.Single().Schemas.Keys);
    }

    [Fact]
    public void ParseAgent_NoQuotaFlags_UsesServiceCenterDefaults()
    {
        var options = CommandLine.ParseAgent([], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        Assert.Equal(new RegistryQuotas { ServicesPerTenant = 50_000, InstancesPerTenant = 150_000, SchemasPerService = 100, TagsPerService = 100 }, options.Quotas);
    }

    [Fact]
    public void ParseAgent_QuotaFlags_SetTheLimits()
    {
        var options = CommandLine.ParseAgent(
            ["--quota-services", "10", "--quota-instances=20", "--quota-schemas", "3", "--quota-tags", "4"],
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        Assert.Equal(new RegistryQuotas { ServicesPerTenant = 10, InstancesPerTenant = 20, SchemasPerService = 3, TagsPerService = 4 }, options.Quotas);
    }

    [Theory]
    [InlineData("--quota-services", "0")]
    [InlineData("--quota-instances", "-1")]
    [InlineData("--quota-tags", "many")]
    [InlineData("--allowed-hosts", "bad host")]
    public void ParseAgent_BadLimitOrHost_FailsNamingTheFlag(string flag, string value)
    {
        var error = Assert.Throws<OptionException>(() => CommandLine.ParseAgent([flag, value], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));

        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
    }
}
