using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Service-level endpoints S1-S9 (spec 1.3) over real HTTP.</summary>
public sealed class ServicesApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_EmptyDomain_ReturnsExactlyEmptyObject()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, V4 + "/microservices", headers: new Dictionary<string, string> { ["X-Domain-Name"] = "empty" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Register_NewService_ReturnsSha1OfIndexKey()
    {
        var name = UniqueName();

        var id = await _server.RegisterServiceAsync(name, "1.0.0", "app");

        Assert.Equal(ExpectedServiceId("default", "default", "", "app", name, "1.0.0"), id);
        Assert.Matches("^[0-9a-f]{40}$", id);
    }

    [Fact]
    public async Task Register_DomainHeaderProjectPathAndEnvironment_AreInTheIndexKey()
    {
        var name = UniqueName();
        using var response = await _server.SendAsync(
            HttpMethod.Post, "/v4/proj1/registry/microservices",
            $$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"2.0","environment":"production"}}""",
            new Dictionary<string, string> { ["x-domain-name"] = "dom1" });

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(ExpectedServiceId("dom1", "proj1", "production", "app", name, "2.0"), json.GetProperty("serviceId").GetString());
        // Scoped: the default tenant does not see it.
        var other = await _server.GetJsonAsync(V4 + "/microservices");
        Assert.DoesNotContain(name, other.GetRawText(), StringComparison.Ordinal);
        var own = await _server.GetJsonAsync("/v4/proj1/registry/microservices", new Dictionary<string, string> { ["X-Domain-Name"] = "dom1" });
        Assert.Contains(name, own.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_SameServiceTwice_ReturnsSameServiceId()
    {
        var name = UniqueName();
        var first = await _server.RegisterServiceAsync(name);

        var second = await _server.RegisterServiceAsync(name);

        Assert.Equal(first, second);
        var list = await _server.GetJsonAsync(V4 + "/microservices");
        Assert.Single(list.GetProperty("services").EnumerateArray(), s => s.GetProperty("serviceName").GetString() == name);
    }

    [Fact]
    public async Task Register_EmptyFields_AppliesServiceCenterDefaults()
    {
        var name = UniqueName();
        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", $$$"""{"service":{"serviceName":"{{{name}}}"}}""");
        var id = (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("serviceId").GetString();

        var service = (await _server.GetJsonAsync($"{V4}/microservices/{id}")).GetProperty("service");

        Assert.Equal(ExpectedServiceId("default", "default", "", "default", name, "0.0.1"), id);
        Assert.Equal(id, service.GetProperty("serviceId").GetString());
        Assert.Equal("default", service.GetProperty("appId").GetString());
        Assert.Equal("0.0.1", service.GetProperty("version").GetString());
        Assert.Equal("BACK", service.GetProperty("level").GetString());
        Assert.Equal("UP", service.GetProperty("status").GetString());
        Assert.False(service.TryGetProperty("environment", out _));
        Assert.Equal(JsonValueKind.String, service.GetProperty("timestamp").ValueKind);
        Assert.Matches("^[0-9]+$", service.GetProperty("timestamp").GetString()!);
        Assert.Matches("^[0-9]+$", service.GetProperty("modTimestamp").GetString()!);
    }

    [Fact]
    public async Task Register_ClientSuppliedServiceId_IsUsed()
    {
        var name = UniqueName();
        var supplied = "my-own-id-" + name;
        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", $$$"""{"service":{"serviceId":"{{{supplied}}}","serviceName":"{{{name}}}","version":"1.0.0"}}""");

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(supplied, json.GetProperty("serviceId").GetString());
        Assert.Equal(name, (await _server.GetJsonAsync($"{V4}/microservices/{supplied}")).GetProperty("service").GetProperty("serviceName").GetString());
    }

    [Fact]
    public async Task Register_ClientSuppliedIdConflictsWithExistingService_Returns400010()
    {
        var name = UniqueName();
        await _server.RegisterServiceAsync(name, "1.0.0");

        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", $$$"""{"service":{"serviceId":"other-id","serviceName":"{{{name}}}","appId":"app","version":"1.0.0"}}""");

        await ScAssert.ErrorAsync(response, 400010);
    }

    [Fact]
    public async Task Register_ClientSuppliedIdUsedByAnotherService_Returns400010()
    {
        var first = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", $$$"""{"service":{"serviceId":"{{{first}}}","serviceName":"{{{UniqueName()}}}","version":"1.0.0"}}""");

        await ScAssert.ErrorAsync(response, 400010);
    }

    [Fact]
    public async Task Register_WithTagsAndInstances_RegistersThemToo()
    {
        var name = UniqueName();
        using var response = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices",
            $$"""{"service":{"serviceName":"{{name}}","appId":"app","version":"1.0.0"},"tags":{"team":"blue"},"instances":[{"hostName":"h1","endpoints":["rest://1.2.3.4:80"]}]}""");
        var id = (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("serviceId").GetString();

        var tags = await _server.GetJsonAsync($"{V4}/microservices/{id}/tags");
        var instances = Instances(await _server.GetJsonAsync($"{V4}/microservices/{id}/instances"));

        Assert.Equal("blue", tags.GetProperty("tags").GetProperty("team").GetString());
        var instance = Assert.Single(instances);
        Assert.Equal("h1", instance.GetProperty("hostName").GetString());
        Assert.Equal(id, instance.GetProperty("serviceId").GetString());
    }

    [Fact]
    public async Task Get_UnknownService_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, V4 + "/microservices/nope");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Get_BadServiceId_Returns400001(string id)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{id}");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Existence_ExistingService_ReturnsServiceId()
    {
        var name = UniqueName();
        var id = await _server.RegisterServiceAsync(name, "1.2.0", environment: "testing");

        var json = await _server.GetJsonAsync($"{V4}/existence?type=microservice&appId=app&serviceName={name}&version=1.2.0&env=testing");

        Assert.Equal(id, json.GetProperty("serviceId").GetString());
    }

    [Fact]
    public async Task Existence_ByAlias_ReturnsServiceId()
    {
        var name = UniqueName();
        var id = await _server.RegisterServiceAsync(name, "1.0.0", alias: "app:" + name);

        var json = await _server.GetJsonAsync($"{V4}/existence?type=microservice&appId=app&serviceName=app:{name}&version=1.0.0");

        Assert.Equal(id, json.GetProperty("serviceId").GetString());
    }

    [Fact]
    public async Task Existence_NameExistsOtherVersion_Returns400026()
    {
        var name = UniqueName();
        await _server.RegisterServiceAsync(name, "1.0.0");

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/existence?type=microservice&appId=app&serviceName={name}&version=2.0.0");

        await ScAssert.ErrorAsync(response, 400026);
    }

    [Fact]
    public async Task Existence_UnknownName_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/existence?type=microservice&appId=app&serviceName={UniqueName()}&version=1.0.0");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Theory]
    [InlineData("type=microservice&appId=app&serviceName=x&version=latest")]
    [InlineData("type=microservice&appId=app&serviceName=x&version=0.0.0%2B")]
    [InlineData("type=microservice&appId=app&serviceName=x&version=0.0.0-1.0.0")]
    [InlineData("type=microservice&appId=app&serviceName=x")]
    [InlineData("type=microservice&serviceName=x&version=1.0.0")]
    [InlineData("type=other&appId=app&serviceName=x&version=1.0.0")]
    [InlineData("appId=app&serviceName=x&version=1.0.0")]
    public async Task Existence_BadQuery_Returns400001(string query)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/existence?{query}");

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Existence_Schema_ReturnsIdsAndSummaryHeader()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        using (var put = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/schemas/hello", """{"schema":"openapi: 3.0.0","summary":"sum1"}"""))
        {
            await ScAssert.EmptyOkAsync(put);
        }

        using var response = await _server.SendAsync(HttpMethod.Get, $"{V4}/existence?type=schema&serviceId={id}&schemaId=hello");
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        using var missing = await _server.SendAsync(HttpMethod.Get, $"{V4}/existence?type=schema&serviceId={id}&schemaId=other");

        Assert.Equal(id, json.GetProperty("serviceId").GetString());
        Assert.Equal("hello", json.GetProperty("schemaId").GetString());
        Assert.Equal("sum1", response.Headers.GetValues("X-Schema-Summary").Single());
        await ScAssert.ErrorAsync(missing, 400016);
    }

    [Fact]
    public async Task UpdateProperties_TwoUpdates_SecondReplacesTheMap()
    {
        var id = await _server.RegisterServiceAsync(UniqueName(), properties: new Dictionary<string, string> { ["old"] = "1" });

        using (var first = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/properties", """{"properties":{"a":"1","b":"2"}}"""))
        {
            await ScAssert.EmptyOkAsync(first);
        }

        using (var second = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/properties", """{"properties":{"c":"3"}}"""))
        {
            await ScAssert.EmptyOkAsync(second);
        }

        var properties = (await _server.GetJsonAsync($"{V4}/microservices/{id}")).GetProperty("service").GetProperty("properties");
        Assert.Equal("""{"c":"3"}""", properties.GetRawText());
    }

    [Fact]
    public async Task UpdateProperties_Null_ClearsTheMap()
    {
        var id = await _server.RegisterServiceAsync(UniqueName(), properties: new Dictionary<string, string> { ["old"] = "1" });

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/properties", """{"properties":null}""");

        await ScAssert.EmptyOkAsync(response);
        var service = (await _server.GetJsonAsync($"{V4}/microservices/{id}")).GetProperty("service");
        Assert.False(service.TryGetProperty("properties", out _));
    }

    [Fact]
    public async Task UpdateProperties_UnknownService_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/nope/properties", """{"properties":{"a":"1"}}""");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task UpdateProperties_BodyOver3KiB_Returns400001AndKeepsProperties()
    {
        var id = await _server.RegisterServiceAsync(UniqueName(), properties: new Dictionary<string, string> { ["old"] = "1" });
        var big = new string('x', 3 * 1024);

        using var response = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{id}/properties", $$$"""{"properties":{"a":"{{{big}}}"}}""");

        await ScAssert.ErrorAsync(response, 400001);
        var properties = (await _server.GetJsonAsync($"{V4}/microservices/{id}")).GetProperty("service").GetProperty("properties");
        Assert.Equal("""{"old":"1"}""", properties.GetRawText());
    }

    [Fact]
    public async Task Delete_NoInstances_ReturnsEmpty200AndRemovesService()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{id}");

        await ScAssert.EmptyOkAsync(response);
        using var get = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{id}");
        await ScAssert.ErrorAsync(get, 400012);
    }

    [Fact]
    public async Task Delete_WithInstancesWithoutForce_Returns400013()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        await _server.RegisterInstanceAsync(id);

        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{id}?force=false");

        await ScAssert.ErrorAsync(response, 400013);
        await _server.GetJsonAsync($"{V4}/microservices/{id}");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("TRUE")]
    public async Task Delete_WithInstancesForced_RemovesServiceAndInstances(string force)
    {
        var name = UniqueName();
        var id = await _server.RegisterServiceAsync(name);
        await _server.RegisterInstanceAsync(id);

        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{id}?force={force}");

        await ScAssert.EmptyOkAsync(response);
        using var find = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=app&serviceName={name}");
        await ScAssert.ErrorAsync(find, 400012);
    }

    [Fact]
    public async Task Delete_ConsumerDependsWithoutForce_Returns400023()
    {
        var provider = UniqueName("prov");
        var providerId = await _server.RegisterServiceAsync(provider);
        var consumerId = await _server.RegisterServiceAsync(UniqueName("cons"));
        await _server.FindAsync("app", provider, headers: new Dictionary<string, string> { ["X-ConsumerId"] = consumerId });

        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}");
        using var forced = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{providerId}?force=true");

        await ScAssert.ErrorAsync(response, 400023);
        await ScAssert.EmptyOkAsync(forced);
    }

    [Fact]
    public async Task Delete_BadForce_Returns400001()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());

        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{id}?force=maybe");

        var error = await ScAssert.ErrorAsync(response, 400001);
        Assert.Equal("parameter force must be false or true", error.GetProperty("detail").GetString());
        await _server.GetJsonAsync($"{V4}/microservices/{id}");
    }

    [Fact]
    public async Task Delete_UnknownService_Returns400012()
    {
        using var response = await _server.SendAsync(HttpMethod.Delete, $"{V4}/microservices/{UniqueName()}");

        await ScAssert.ErrorAsync(response, 400012);
    }

    [Fact]
    public async Task DeleteMany_MixedIds_Returns200WithPerItemErrors()
    {
        var free = await _server.RegisterServiceAsync(UniqueName());
        var busy = await _server.RegisterServiceAsync(UniqueName());
        await _server.RegisterInstanceAsync(busy);

        using var response = await _server.SendAsync(HttpMethod.Delete, V4 + "/microservices", $$"""{"serviceIds":["{{free}}","{{busy}}","unknown"],"force":false}""");

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        var items = json.GetProperty("services").EnumerateArray().ToDictionary(e => e.GetProperty("serviceId").GetString()!);
        Assert.False(items[free].TryGetProperty("errMessage", out _));
        Assert.False(string.IsNullOrEmpty(items[busy].GetProperty("errMessage").GetString()));
        Assert.False(string.IsNullOrEmpty(items["unknown"].GetProperty("errMessage").GetString()));
        using var gone = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{free}");
        await ScAssert.ErrorAsync(gone, 400012);
        await _server.GetJsonAsync($"{V4}/microservices/{busy}");
    }

    [Theory]
    [InlineData("""{"serviceIds":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"serviceIds":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}""")]
    public async Task DeleteMany_BadList_Returns400001(string body)
    {
        using var response = await _server.SendAsync(HttpMethod.Delete, V4 + "/microservices", body);

        await ScAssert.ErrorAsync(response, 400001);
    }

    [Fact]
    public async Task Tags_AddUpdateGetDelete_FollowServiceCenter()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        var tagsPath = $"{V4}/microservices/{id}/tags";

        Assert.Equal("{}", (await _server.GetJsonAsync(tagsPath)).GetRawText());
        using (var add = await _server.SendAsync(HttpMethod.Post, tagsPath, """{"tags":{"a":"x1","b":"x2","c":"x3"}}"""))
        {
            await ScAssert.EmptyOkAsync(add);
        }

        using (var update = await _server.SendAsync(HttpMethod.Put, tagsPath + "/a?value=y1"))
        {
            await ScAssert.EmptyOkAsync(update);
        }

        using (var delete = await _server.SendAsync(HttpMethod.Delete, tagsPath + "/b,c"))
        {
            await ScAssert.EmptyOkAsync(delete);
        }

        var tags = (await _server.GetJsonAsync(tagsPath)).GetProperty("tags");
        Assert.Equal("""{"a":"y1"}""", tags.GetRawText());
    }

    [Fact]
    public async Task Tags_UpdateOrDeleteUnknownKey_Returns400018()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        var tagsPath = $"{V4}/microservices/{id}/tags";
        using (var add = await _server.SendAsync(HttpMethod.Post, tagsPath, """{"tags":{"a":"x1"}}"""))
        {
            await ScAssert.EmptyOkAsync(add);
        }

        using var update = await _server.SendAsync(HttpMethod.Put, tagsPath + "/zz?value=v");
        using var delete = await _server.SendAsync(HttpMethod.Delete, tagsPath + "/a,zz");

        await ScAssert.ErrorAsync(update, 400018);
        await ScAssert.ErrorAsync(delete, 400018);
        Assert.Equal("""{"a":"x1"}""", (await _server.GetJsonAsync(tagsPath)).GetProperty("tags").GetRawText());
    }

    [Fact]
    public async Task Tags_UnknownService_Returns400012()
    {
        using var get = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/nope/tags");
        using var add = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/nope/tags", """{"tags":{"a":"b"}}""");

        await ScAssert.ErrorAsync(get, 400012);
        await ScAssert.ErrorAsync(add, 400012);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"tags":{}}""")]
    [InlineData("""{"tags":null}""")]
    public async Task Tags_AddNone_Returns200AndChangesNothing(string body)
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        var tagsPath = $"{V4}/microservices/{id}/tags";
        using (var add = await _server.SendAsync(HttpMethod.Post, tagsPath, """{"tags":{"a":"x1"}}"""))
        {
            await ScAssert.EmptyOkAsync(add);
        }

        var index = _server.Replica.Snapshot.Index;

        using var none = await _server.SendAsync(HttpMethod.Post, tagsPath, body);
        using var unknown = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/nope/tags", body);

        await ScAssert.EmptyOkAsync(none);
        await ScAssert.ErrorAsync(unknown, 400012);
        Assert.Equal("""{"a":"x1"}""", (await _server.GetJsonAsync(tagsPath)).GetProperty("tags").GetRawText());
        Assert.Equal(index, _server.Replica.Snapshot.Index);
    }

    [Fact]
    public async Task Schemas_PutGetListReplace_FollowServiceCenter()
    {
        var id = await _server.RegisterServiceAsync(UniqueName());
        var schemas = $"{V4}/microservices/{id}/schemas";
        Assert.Equal("{}", (await _server.GetJsonAsync(schemas)).GetRawText());

        using (var put = await _server.SendAsync(HttpMethod.Put, schemas + "/s1", """{"schema":"body-1","summary":"sum-1"}"""))
        {
            await ScAssert.EmptyOkAsync(put);
        }

        using (var one = await _server.SendAsync(HttpMethod.Get, schemas + "/s1"))
        {
            var json = await ReadJsonAsync(one, HttpStatusCode.OK);
            Assert.Equal("body-1", json.GetProperty("schema").GetString());
            Assert.Equal("sum-1", one.Headers.GetValues("X-Schema-Summary").Single());
        }

        var service = (await _server.GetJsonAsync($"{V4}/microservices/{id}")).GetProperty("service");
        Assert.Equal(["s1"], service.GetProperty("schemas").EnumerateArray().Select(e => e.GetString()));

        using (var post = await _server.SendAsync(HttpMethod.Post, schemas, """{"schemas":[{"schemaId":"s2","summary":"sum-2","schema":"body-2"}]}"""))
        {
            await ScAssert.EmptyOkAsync(post);
        }

        var withoutBodies = (await _server.GetJsonAsync(schemas)).GetProperty("schemas");
        var item = Assert.Single(withoutBodies.EnumerateArray());
        Assert.Equal("s2", item.GetProperty("schemaId").GetString());
        Assert.Equal("sum-2", item.GetProperty("summary").GetString());
        Assert.False(item.TryGetProperty("schema", out _));
        var withBodies = (await _server.GetJsonAsync(schemas + "?withSchema=1")).GetProperty("schemas");
        Assert.Equal("body-2", Assert.Single(withBodies.EnumerateArray()).GetProperty("schema").GetString());
        using var gone = await _server.SendAsync(HttpMethod.Get, schemas + "/s1");
        await ScAssert.ErrorAsync(gone, 400016);
    }

    [Fact]
    public async Task Schemas_UnknownService_Returns400012()
    {
        using var put = await _server.SendAsync(HttpMethod.Put, $"{V4}/microservices/nope/schemas/s1", """{"schema":"x"}""");
        using var get = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/nope/schemas");

        await ScAssert.ErrorAsync(put, 400012);
        await ScAssert.ErrorAsync(get, 400012);
    }
}
