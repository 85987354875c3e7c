using System.Net;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>
/// S2 with an alias already used by another service key (same environment, app and version): Service-Center's
/// transaction fails on the alias key and answers the owner's id, creating nothing.
/// </summary>
public sealed class AliasRegistrationTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> RegisterAsync(string name, string alias, string version = "1.0.0", string? serviceId = null) =>
        _server.SendAsync(HttpMethod.Post, V4 + "/microservices", serviceId is null
            ? $$$"""{"service":{"serviceName":"{{{name}}}","appId":"app","version":"{{{version}}}","alias":"{{{alias}}}"}}"""
            : $$$"""{"service":{"serviceId":"{{{serviceId}}}","serviceName":"{{{name}}}","appId":"app","version":"{{{version}}}","alias":"{{{alias}}}"}}""");

    private async Task<List<string>> ServiceNamesAsync()
    {
        var list = await _server.GetJsonAsync(V4 + "/microservices");
        return [.. list.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("serviceName").GetString()!)];
    }

    [Fact]
    public async Task Register_AliasOwnedByAnotherName_ReturnsOwnersIdAndCreatesNothing()
    {
        var alias = "app:" + UniqueName("alias");
        var owner = await _server.RegisterServiceAsync(UniqueName("owner"), alias: alias);
        var other = UniqueName("other");

        using var response = await RegisterAsync(other, alias);

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(owner, json.GetProperty("serviceId").GetString());
        Assert.DoesNotContain(other, await ServiceNamesAsync());
        using var byComputedId = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{ExpectedServiceId("default", "default", "", "app", other, "1.0.0")}");
        await ScAssert.ErrorAsync(byComputedId, 400012);
    }

    [Fact]
    public async Task Register_AliasOwnedWithExplicitOwnersId_Returns200WithIt()
    {
        var alias = UniqueName("alias");
        var owner = await _server.RegisterServiceAsync(UniqueName("owner"), alias: alias);
        var other = UniqueName("other");

        using var response = await RegisterAsync(other, alias, serviceId: owner);

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(owner, json.GetProperty("serviceId").GetString());
        Assert.DoesNotContain(other, await ServiceNamesAsync());
    }

    [Fact]
    public async Task Register_AliasOwnedWithExplicitNewId_Returns400010()
    {
        var alias = UniqueName("alias");
        await _server.RegisterServiceAsync(UniqueName("owner"), alias: alias);
        var other = UniqueName("other");

        using var response = await RegisterAsync(other, alias, serviceId: "my-new-id");

        await ScAssert.ErrorAsync(response, 400010);
        Assert.DoesNotContain(other, await ServiceNamesAsync());
        using var get = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/my-new-id");
        await ScAssert.ErrorAsync(get, 400012);
    }

    [Fact]
    public async Task Register_SameAliasOtherVersion_CreatesTheService()
    {
        // The alias key holds the version, so another version of the alias is another key.
        var alias = UniqueName("alias");
        var owner = await _server.RegisterServiceAsync(UniqueName("owner"), alias: alias);
        var other = UniqueName("other");

        using var response = await RegisterAsync(other, alias, version: "2.0.0");

        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.NotEqual(owner, json.GetProperty("serviceId").GetString());
        Assert.Equal(ExpectedServiceId("default", "default", "", "app", other, "2.0.0"), json.GetProperty("serviceId").GetString());
        Assert.Contains(other, await ServiceNamesAsync());
    }
}
