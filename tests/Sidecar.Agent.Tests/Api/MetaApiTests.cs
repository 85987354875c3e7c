using System.Net;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>Meta endpoints M1-M5 and routing conventions of spec 1.1.</summary>
public sealed class MetaApiTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health")]
    [InlineData(V4 + "/health")]
    public async Task Health_Get_AnswersOneServiceCenterInstance(string path)
    {
        var json = await _server.GetJsonAsync(path);

        var instance = Assert.Single(Instances(json));
        Assert.Equal("UP", instance.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(instance.GetProperty("version").GetString()));
        Assert.StartsWith("rest://", Assert.Single(instance.GetProperty("endpoints").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_Get_ReturnsEmpty200()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, V4 + "/health/readiness");

        await ScAssert.EmptyOkAsync(response);
    }

    [Theory]
    [InlineData(V4 + "/version", "4.0.0")]
    [InlineData("/version", "3.0.0")]
    public async Task Version_Get_AnswersVersionShape(string path, string apiVersion)
    {
        var json = await _server.GetJsonAsync(path);

        Assert.Equal(apiVersion, json.GetProperty("apiVersion").GetString());
        foreach (var field in new[] { "version", "buildTag", "goVersion", "os", "arch" })
        {
            Assert.False(string.IsNullOrEmpty(json.GetProperty(field).GetString()), field);
        }
    }

    [Fact]
    public async Task GovernApps_EmptyDomainThenRegistered_ListsAppIds()
    {
        var domain = new Dictionary<string, string> { ["X-Domain-Name"] = UniqueName("dom") };
        var empty = await _server.GetJsonAsync("/v4/default/govern/apps", domain);
        await _server.RegisterServiceAsync(UniqueName(), appId: "zeta", domain: domain["X-Domain-Name"]);
        await _server.RegisterServiceAsync(UniqueName(), appId: "alpha", domain: domain["X-Domain-Name"]);
        await _server.RegisterServiceAsync(UniqueName(), appId: "alpha", domain: domain["X-Domain-Name"]);

        var apps = await _server.GetJsonAsync("/v4/default/govern/apps", domain);

        Assert.Equal("{}", empty.GetRawText());
        Assert.Equal(["alpha", "zeta"], apps.GetProperty("appIds").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GovernMicroservices_WithInstancesOption_ListsServicesAndInstances()
    {
        var domainName = UniqueName("dom");
        var domain = new Dictionary<string, string> { ["X-Domain-Name"] = domainName };
        var serviceId = await _server.RegisterServiceAsync(UniqueName(), domain: domainName);
        var instanceId = await _server.RegisterInstanceAsync(serviceId, domain: domainName);

        var withInstances = await _server.GetJsonAsync("/v4/default/govern/microservices?options=instances", domain);
        var without = await _server.GetJsonAsync("/v4/default/govern/microservices", domain);

        var detail = Assert.Single(withInstances.GetProperty("allServicesDetail").EnumerateArray());
        Assert.Equal(serviceId, detail.GetProperty("microService").GetProperty("serviceId").GetString());
        Assert.Equal(instanceId, Assert.Single(detail.GetProperty("instances").EnumerateArray()).GetProperty("instanceId").GetString());
        Assert.False(Assert.Single(without.GetProperty("allServicesDetail").EnumerateArray()).TryGetProperty("instances", out _));
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/v4/default/registry/nope")]
    [InlineData("/v4/default/registry/listwatcher")]
    [InlineData("/v4/default/registry/microservices/a/b/c/d")]
    public async Task UnknownPath_Any_Returns404PageNotFoundAsText(string path)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("404 page not found", (await response.Content.ReadAsStringAsync(Ct)).TrimEnd('\n'));
    }

    [Theory]
    [InlineData("PATCH", V4 + "/microservices", "GET")]
    [InlineData("POST", V4 + "/instances", "GET")]
    [InlineData("POST", V4 + "/health", "GET")]
    [InlineData("GET", V4 + "/heartbeats", "PUT")]
    [InlineData("DELETE", V4 + "/microservices/x/properties", "PUT")]
    public async Task KnownPath_WrongMethod_Returns405WithAllow(string method, string path, string allowed)
    {
        using var response = await _server.SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains(allowed, response.Content.Headers.Allow);
    }
}
