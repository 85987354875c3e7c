using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Instance endpoints I1-I3 and I6-I11 (spec 1.3), leases (spec 3) and access rules on I2/I3 (spec 2.3).</summary>
public sealed class InstancesApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync(_time);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Consumer(string id) => new() { ["X-ConsumerId"] = id };

    private Task<JsonElement> GetInstanceAsync(string serviceId, string instanceId) =>
        _server.GetJsonAsync($"{V4}/microservices/{serviceId}/instances/{instanceId}").ContinueWith(t => t.Result.GetProperty("instance"), TaskScheduler.Default);

    [Fact]
    public async Task Register_MinimalInstance_StoresServiceCenterDefaults()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName(), "1.2.3");

        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h1","endpoints":["rest://10.0.0.1:8080"],"timestamp":"1","serviceId":"ignored"}""");
        var instance = await GetInstanceAsync(serviceId, instanceId);

        Assert.Matches("^[0-9a-f]{32}$", instanceId);
        Assert.Equal(instanceId, instance.GetProperty("instanceId").GetString());
        Assert.Equal(serviceId, instance.GetProperty("serviceId").GetString());
        Assert.Equal("1.2.3", instance.GetProperty("version").GetString());
        Assert.Equal("UP", instance.GetProperty("status").GetString());
        Assert.Equal("""{"mode":"push","interval":30,"times":3}""", instance.GetProperty("healthCheck").GetRawText());
        var now = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(now, instance.GetProperty("timestamp").GetString());
        Assert.Equal(now, instance.GetProperty("modTimestamp").GetString());
    }

    [Fact]
    public async Task Register_NoEndpoints_IsAllowed()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"client-only"}""");

        Assert.Equal("client-only", (await GetInstanceAsync(serviceId, instanceId)).GetProperty("hostName").GetString());
    }

    [Theory]
    [InlineData("""{"mode":"push","interval":30,"times":2}""", """{"mode":"push","interval":30,"times":3}""")]
    [InlineData("""{"mode":"push","interval":1,"times":5}""", """{"mode":"push","interval":5,"times":5}""")]
    [InlineData("""{"mode":"pull","interval":10,"times":1}""", """{"mode":"pull","interval":30,"times":3}""")]
    public async Task Register_HealthCheck_IsNormalizedAsStored(string sent, string stored)
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        var instanceId = await _server.RegisterInstanceAsync(serviceId, $$$"""{"hostName":"h","healthCheck":{{{sent}}}}""");

        Assert.Equal(stored, (await GetInstanceAsync(serviceId, instanceId)).GetProperty("healthCheck").GetRawText());
    }

    [Fact]
    public async Task Register_ClientSuppliedInstanceId_IsUsed()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"instanceId":"my-instance-1","hostName":"h"}""");

        Assert.Equal("my-instance-1", instanceId);
    }

    [Fact]
    public async Task Register_ExistingInstanceId_IsAHeartbeatAndBodyIsNotApplied()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"first","endpoints":["rest://1.1.1.1:1"]}""");
        var before = await GetInstanceAsync(serviceId, instanceId);
        _time.Advance(TimeSpan.FromSeconds(100));

        var again = await _server.RegisterInstanceAsync(serviceId, $$"""{"instanceId":"{{instanceId}}","hostName":"second","endpoints":["rest://2.2.2.2:2"],"status":"DOWN"}""");
        _time.Advance(TimeSpan.FromSeconds(100));
        await _server.Replica.SweepAsync();

        Assert.Equal(instanceId, again);
        var after = await GetInstanceAsync(serviceId, instanceId);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task Register_UnknownService_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/nope/instances", """{"instance":{"hostName":"h"}}""");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task Register_BodyOver5KiB_Returns400001AndRegistersNothing()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var big = new string('x', 5 * 1024);

        using var response = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/instances", """{"instance":{"hostName":"h","properties":{"a":"BIG"}}}""".Replace("BIG", big, StringComparison.Ordinal));

        await ScAssert.ErrorAsync(response, 400001);
        Assert.Equal("{}", (await _server.GetJsonAsync($"{V4}/microservices/{serviceId}/instances")).GetRawText());
    }

    [Fact]
    public async Task List_NoInstances_ReturnsEmptyObjectWithRevision()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances");

        Assert.Equal("{}", (await ReadJsonAsync(response, HttpStatusCode.OK)).GetRawText());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Resource-Revision").Single()));
    }

    [Fact]
    public async Task List_SameRev_Returns304WithHeaderAndEmptyBody()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        await _server.RegisterInstanceAsync(serviceId);
        using var first = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances");
        var rev = first.Headers.GetValues("X-Resource-Revision").Single();

        using var second = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances?rev={rev}");

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(rev, second.Headers.GetValues("X-Resource-Revision").Single());
        Assert.Equal("", await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task List_Revision_ChangesWithTheAnswerOnly()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var path = $"{V4}/microservices/{serviceId}/instances";
        async Task<string> RevAsync()
        {
            using var response = await _server.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("X-Resource-Revision").Single();
        }

        var empty = await RevAsync();
        var instanceId = await _server.RegisterInstanceAsync(serviceId);
        var one = await RevAsync();
        using (var heartbeat = await _server.SendAsync(HttpMethod.Put, $"{path}/{instanceId}/heartbeat"))
        {
            await ScAssert.EmptyOkAsync(heartbeat);
        }

        var afterHeartbeat = await RevAsync();
        using (var status = await _server.SendAsync(HttpMethod.Put, $"{path}/{instanceId}/status?value=DOWN"))
        {
            await ScAssert.EmptyOkAsync(status);
        }

        var afterStatus = await RevAsync();

        Assert.NotEqual(empty, one);
        Assert.Equal(one, afterHeartbeat);
        Assert.NotEqual(one, afterStatus);
        Assert.Equal(afterStatus, await RevAsync());
    }

    [Fact]
    public async Task List_StaleRev_Returns200WithList()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        await _server.RegisterInstanceAsync(serviceId);

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances?rev=stale");

        Assert.Single(Instances(await ReadJsonAsync(response, HttpStatusCode.OK)));
    }

    [Fact]
    public async Task List_UnknownProvider_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/nope/instances");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task List_UnknownConsumer_Returns400012()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances", headers: Consumer("ghost"));

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task List_ConsumerOfOtherApp_Returns400012UnlessAllowCrossApp()
    {
        var closed = await _server.RegisterServiceAsync(UniqueName(), appId: "app1");
        var open = await _server.RegisterServiceAsync(UniqueName(), appId: "app1", properties: new Dictionary<string, string> { ["allowCrossApp"] = "TRUE" });
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "app2");
        await _server.RegisterInstanceAsync(open);

        using var refused = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{closed}/instances", headers: Consumer(consumer));
        using var allowed = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{open}/instances", headers: Consumer(consumer));

        await ScAssert.ErrorAsync(refused, 400012);
        Assert.Single(Instances(await ReadJsonAsync(allowed, HttpStatusCode.OK)));
    }

    [Fact]
    public async Task List_ConsumerOfOtherEnvironment_Returns400012()
    {
        var provider = await _server.RegisterServiceAsync(UniqueName(), environment: "production");
        var consumer = await _server.RegisterServiceAsync(UniqueName(), environment: "testing");

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{provider}/instances", headers: Consumer(consumer));

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task Get_ExistingInstance_ReturnsItWithRevisionAnd304()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);
        var path = $"{V4}/microservices/{serviceId}/instances/{instanceId}";
        using var first = await _server.SendAsync(HttpMethod.Get, path);
        var rev = first.Headers.GetValues("X-Resource-Revision").Single();

        using var second = await _server.SendAsync(HttpMethod.Get, path + "?rev=" + rev);

        Assert.Equal(instanceId, (await ReadJsonAsync(first, HttpStatusCode.OK)).GetProperty("instance").GetProperty("instanceId").GetString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(rev, second.Headers.GetValues("X-Resource-Revision").Single());
        Assert.Equal("", await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Get_UnknownInstance_Returns400017()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/nope");

        await ScAssert.ErrorAsync(response, 400017);
    }

    [Fact]
    public async Task Get_ConsumerNotAllowedToSeeProvider_Returns400017()
    {
        var provider = await _server.RegisterServiceAsync(UniqueName(), appId: "app1");
        var instanceId = await _server.RegisterInstanceAsync(provider);
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "app2");

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{provider}/instances/{instanceId}", headers: Consumer(consumer));

        await ScAssert.ErrorAsync(response, 400017);
    }

    [Fact]
    public async Task Get_UnknownConsumer_Returns400012()
    {
        var provider = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(provider);

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{provider}/instances/{instanceId}", headers: Consumer("ghost"));

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task Unregister_ExistingInstance_ReturnsEmpty200ThenUnknown()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);
        var path = $"{V4}/microservices/{serviceId}/instances/{instanceId}";

        using var first = await _server.SendAsync(HttpMethod.Delete, path);
        using var second = await _server.SendAsync(HttpMethod.Delete, path);

        await ScAssert.EmptyOkAsync(first);
        await ScAssert.ErrorAsync(second, 400017);
        Assert.Equal("{}", (await _server.GetJsonAsync($"{V4}/microservices/{serviceId}/instances")).GetRawText());
    }

    [Fact]
    public async Task Heartbeat_KnownInstance_ReturnsEmpty200()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/heartbeat");

        await ScAssert.EmptyOkAsync(response);
    }

    [Fact]
    public async Task Heartbeat_UnknownInstanceOrService_Returns400017()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var unknownInstance = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/nope/heartbeat");
        using var unknownService = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/nope/instances/nope/heartbeat");

        await ScAssert.ErrorAsync(unknownInstance, 400017);
        await ScAssert.ErrorAsync(unknownService, 400017);
    }

    [Fact]
    public async Task Heartbeat_InstanceIdWithAt_Returns400001()
    {
        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/svc/instances/a@b/heartbeat");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Lease_NoHeartbeatFor121Seconds_InstanceExpires()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        await _server.RegisterInstanceAsync(serviceId);
        Assert.Single(await _server.FindAsync("app", name));

        _time.Advance(TimeSpan.FromSeconds(121));

        await EventuallyAsync(async () => (await _server.FindAsync("app", name)).Count == 0, "the lease expired");
    }

    [Fact]
    public async Task Lease_HeartbeatRenews_InstanceSurvivesPastTheFirstTtl()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        _time.Advance(TimeSpan.FromSeconds(100));
        using (var heartbeat = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/heartbeat"))
        {
            await ScAssert.EmptyOkAsync(heartbeat);
        }

        _time.Advance(TimeSpan.FromSeconds(100));
        await _server.Replica.SweepAsync();
        Assert.Single(await _server.FindAsync("app", name));

        _time.Advance(TimeSpan.FromSeconds(21));
        await EventuallyAsync(async () => (await _server.FindAsync("app", name)).Count == 0, "the renewed lease expired");
    }

    [Fact]
    public async Task Lease_ShortHealthCheck_UsesIntervalTimesPlusOne()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h","healthCheck":{"mode":"push","interval":10,"times":3}}""");

        _time.Advance(TimeSpan.FromSeconds(39));
        await _server.Replica.SweepAsync();
        Assert.Single(await _server.FindAsync("app", name));

        _time.Advance(TimeSpan.FromSeconds(2));
        await EventuallyAsync(async () => (await _server.FindAsync("app", name)).Count == 0, "the 40 s lease expired");
    }

    [Fact]
    public async Task Lease_ExpiredInstanceReRegisteredWithSameId_IsRecreated()
    {
        var name = UniqueName();
        var serviceId = await _server.RegisterServiceAsync(name);
        await _server.RegisterInstanceAsync(serviceId, """{"instanceId":"fixed-1","hostName":"old"}""");
        _time.Advance(TimeSpan.FromSeconds(121));
        await EventuallyAsync(async () => (await _server.FindAsync("app", name)).Count == 0, "the lease expired");

        var again = await _server.RegisterInstanceAsync(serviceId, """{"instanceId":"fixed-1","hostName":"new"}""");

        Assert.Equal("fixed-1", again);
        Assert.Equal("new", (await GetInstanceAsync(serviceId, "fixed-1")).GetProperty("hostName").GetString());
    }

    [Fact]
    public async Task UpdateStatus_ValidValue_AppliesAndBumpsModTimestamp()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);
        var before = await GetInstanceAsync(serviceId, instanceId);
        _time.Advance(TimeSpan.FromSeconds(5));

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/status?value=OUTOFSERVICE");

        await ScAssert.EmptyOkAsync(response);
        var after = await GetInstanceAsync(serviceId, instanceId);
        Assert.Equal("OUTOFSERVICE", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("timestamp").GetString(), after.GetProperty("timestamp").GetString());
        Assert.NotEqual(before.GetProperty("modTimestamp").GetString(), after.GetProperty("modTimestamp").GetString());
    }

    [Theory]
    [InlineData("?value=SLEEPING")]
    [InlineData("?value=up")]
    [InlineData("?value=")]
    [InlineData("")]
    public async Task UpdateStatus_BadValue_Returns400001AndKeepsStatus(string query)
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId);

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/status{query}");

        await ScAssert.ErrorAsync(response, 400001);
        Assert.Equal("UP", (await GetInstanceAsync(serviceId, instanceId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UpdateStatus_UnknownInstance_Returns400017()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/nope/status?value=DOWN");

        await ScAssert.ErrorAsync(response, 400017);
    }

    [Fact]
    public async Task UpdateProperties_TwoUpdates_SecondReplacesTheMap()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h","properties":{"orig":"1"}}""");
        var path = $"{V4}/microservices/{serviceId}/instances/{instanceId}/properties";

        using (var first = await _server.SendAsync(HttpMethod.Put, path, """{"properties":{"a":"1"}}"""))
        {
            await ScAssert.EmptyOkAsync(first);
        }

        using (var second = await _server.SendAsync(HttpMethod.Put, path, """{"properties":{"b":"2"}}"""))
        {
            await ScAssert.EmptyOkAsync(second);
        }

        Assert.Equal("""{"b":"2"}""", (await GetInstanceAsync(serviceId, instanceId)).GetProperty("properties").GetRawText());
    }

    [Fact]
    public async Task UpdateProperties_UnknownInstance_Returns400017()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/nope/properties", """{"properties":{"a":"1"}}""");

        await ScAssert.ErrorAsync(response, 400017);
    }

    [Fact]
    public async Task UpdateProperties_BodyOver3KiB_Returns400001AndKeepsProperties()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var instanceId = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h","properties":{"orig":"1"}}""");
        var big = new string('y', 3 * 1024);

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{serviceId}/instances/{instanceId}/properties", $$$"""{"properties":{"a":"{{{big}}}"}}""");

        await ScAssert.ErrorAsync(response, 400001);
        Assert.Equal("""{"orig":"1"}""", (await GetInstanceAsync(serviceId, instanceId)).GetProperty("properties").GetRawText());
    }

    [Fact]
    public async Task UpdateStatusByProperties_MatchingInstances_AreUpdated()
    {
        var serviceId = await _server.RegisterServiceAsync(UniqueName());
        var marker = UniqueName("m");
        var match = await _server.RegisterInstanceAsync(serviceId, $$$"""{"hostName":"h1","properties":{"group":"{{{marker}}}"}}""");
        var other = await _server.RegisterInstanceAsync(serviceId, """{"hostName":"h2","properties":{"group":"other"}}""");

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/instances/status", $$$"""{"matches":{"properties":{"group":"{{{marker}}}"}},"status":"DOWN"}""");

        await ScAssert.EmptyOkAsync(response);
        Assert.Equal("DOWN", (await GetInstanceAsync(serviceId, match)).GetProperty("status").GetString());
        Assert.Equal("UP", (await GetInstanceAsync(serviceId, other)).GetProperty("status").GetString());
    }
}
