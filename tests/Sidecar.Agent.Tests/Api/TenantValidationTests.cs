using System.Net;
using Sidecar.Registry;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Domain (<c>X-Domain-Name</c>) and project (path) are validated like other names: 400 in SC format, never a 5xx.</summary>
public sealed class TenantValidationTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> BadNames => ["a b", "-lead", "trail-", "x/y", "a:b", new string('d', 129), "a,b"];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Request_BadDomainHeader_Answers400AndRegistersNothing(string domain)
    {
        var headers = new Dictionary<string, string> { ["X-Domain-Name"] = domain };
        using var register = await _server.SendAsync(HttpMethod.Post, V4 + "/microservices", """{"service":{"serviceName":"s","appId":"app","version":"1.0.0"}}""", headers);
        using var find = await _server.SendAsync(HttpMethod.Get, V4 + "/instances?appId=app&serviceName=s", headers: headers);
        using var lookup = await _server.SendAsync(HttpMethod.Get, "/v1/services/s/instances?appId=app", headers: headers);

        var error = await ScAssert.ErrorAsync(register, ErrorCode.InvalidParams);
        Assert.Contains("Tenant.Domain", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ScAssert.ErrorAsync(find, ErrorCode.InvalidParams);
        await ScAssert.ErrorAsync(lookup, ErrorCode.InvalidParams);
        Assert.Empty(_server.Replica.Snapshot.Services);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("-x")]
    [InlineData("a.")]
    public async Task Request_BadProjectInPath_Answers400(string project)
    {
        using var register = await _server.SendAsync(HttpMethod.Post, $"/v4/{project}/registry/microservices", """{"service":{"serviceName":"s","appId":"app","version":"1.0.0"}}""");
        using var list = await _server.SendAsync(HttpMethod.Get, $"/v4/{project}/registry/microservices");
        using var govern = await _server.SendAsync(HttpMethod.Get, $"/v4/{project}/govern/microservices");

        var error = await ScAssert.ErrorAsync(register, ErrorCode.InvalidParams);
        Assert.Contains("Tenant.Project", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ScAssert.ErrorAsync(list, ErrorCode.InvalidParams);
        await ScAssert.ErrorAsync(govern, ErrorCode.InvalidParams);
        Assert.Empty(_server.Replica.Snapshot.Services);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("cn-north-4_team.a")]
    [InlineData("A1")]
    public async Task Register_GoodTenant_IsServed(string name)
    {
        var headers = new Dictionary<string, string> { ["X-Domain-Name"] = name };
        using var response = await _server.SendAsync(HttpMethod.Post, $"/v4/{name}/registry/microservices", """{"service":{"serviceName":"s","appId":"app","version":"1.0.0"}}""", headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_server.Replica.Snapshot.Services.Keys, s => s.Domain == name && s.Project == name);
    }
}
