using System.Net;
using System.Text.Json;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>
/// One read model (spec 2.3): find, batch find (by service and by instance), list and get-one apply the same
/// consumer access rule and tag filter; they differ only in how a refusal is answered, as in Service-Center.
/// </summary>
public sealed class DiscoveryAccessTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What each of the five reads answers for one provider instance, seen by one consumer.</summary>
    private sealed record Reads(bool Find, bool BatchService, int List, int Get, int BatchInstance);

    private async Task<Reads> ReadAllAsync(string consumerId, string appId, string name, string serviceId, string instanceId, string tagsQuery = "")
    {
        var headers = consumerId.Length > 0 ? new Dictionary<string, string> { ["X-ConsumerId"] = consumerId } : null;
        using var find = await _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId={appId}&serviceName={name}{tagsQuery}", headers: headers);
        var findText = await find.Content.ReadAsStringAsync(Ct);
        using var list = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances?{tagsQuery}", headers: headers);
        using var get = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/{instanceId}?{tagsQuery}", headers: headers);
        using var batch = await _server.SendAsync(HttpMethod.Post, V4 + "/instances/action?type=query",
            $$$"""{"services":[{"service":{"appId":"{{{appId}}}","serviceName":"{{{name}}}","version":"0+"}}],"instances":[{"instance":{"serviceId":"{{{serviceId}}}","instanceId":"{{{instanceId}}}"}}]}""",
            headers);
        var batchJson = await ReadJsonAsync(batch, HttpStatusCode.OK);
        return new Reads(
            find.StatusCode == HttpStatusCode.OK && findText.Contains(instanceId, StringComparison.Ordinal),
            batchJson.GetProperty("services").GetRawText().Contains(instanceId, StringComparison.Ordinal),
            await CodeOfAsync(list),
            await CodeOfAsync(get),
            batchJson.GetProperty("instances").TryGetProperty("failed", out var failed)
                ? int.Parse(failed[0].GetProperty("error").GetProperty("errorCode").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                : 200);
    }

    private static async Task<int> CodeOfAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? 200 : await ScAssert.ClientErrorAsync(response);

    private async Task<(string ServiceId, string InstanceId)> ProviderAsync(string name, string appId, string? environment = null, bool allowCrossApp = false)
    {
        var id = await _server.RegisterServiceAsync(name, appId: appId, environment: environment,
            properties: allowCrossApp ? new Dictionary<string, string> { ["allowCrossApp"] = "TRUE" } : null);
        return (id, await _server.RegisterInstanceAsync(id));
    }

    [Fact]
    public async Task Reads_ProviderOfTheConsumersApp_AllAnswerTheInstance()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "shop");
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "shop");

        var reads = await ReadAllAsync(consumer, "shop", name, serviceId, instanceId);

        Assert.Equal(new Reads(true, true, 200, 200, 200), reads);
    }

    [Fact]
    public async Task Reads_ProviderOfAnotherApp_RefusedByEachInItsOwnWay()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "billing");
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "shop");

        var reads = await ReadAllAsync(consumer, "billing", name, serviceId, instanceId);
        var anonymous = await ReadAllAsync("", "billing", name, serviceId, instanceId);

        // Find drops the provider, list answers 400012, get-one and batch by id 400017.
        Assert.Equal(new Reads(false, false, 400012, 400017, 400017), reads);
        Assert.Equal(new Reads(true, true, 200, 200, 200), anonymous);
    }

    [Fact]
    public async Task Reads_ProviderAllowingCrossApp_AllAnswerTheInstance()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "billing", allowCrossApp: true);
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "shop");

        var reads = await ReadAllAsync(consumer, "billing", name, serviceId, instanceId);

        Assert.Equal(new Reads(true, true, 200, 200, 200), reads);
    }

    [Fact]
    public async Task Reads_ProviderOfAnotherEnvironment_RefusedEvenWithCrossApp()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "shop", environment: "production", allowCrossApp: true);
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "shop", environment: "testing");

        var reads = await ReadAllAsync(consumer, "shop", name, serviceId, instanceId);

        Assert.Equal(new Reads(false, false, 400012, 400017, 400017), reads);
    }

    [Fact]
    public async Task Reads_UnknownConsumer_Returns400012Everywhere()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "shop");

        var reads = await ReadAllAsync("ghost", "shop", name, serviceId, instanceId);

        Assert.Equal(new Reads(false, false, 400012, 400012, 400012), reads);
    }

    [Fact]
    public async Task GetOne_ProviderLackingTheTags_Returns400017()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "shop");
        using (var add = await _server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/tags", """{"tags":{"blue":"yes"}}"""))
        {
            await ScAssert.EmptyOkAsync(add);
        }

        using var lacking = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/{instanceId}?tags=blue,fast");
        using var having = await _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/{instanceId}?tags=blue");

        var error = await ScAssert.ErrorAsync(lacking, 400017);
        Assert.Contains(instanceId, error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var json = await ReadJsonAsync(having, HttpStatusCode.OK);
        Assert.Equal(instanceId, json.GetProperty("instance").GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Reads_ProviderLackingTheTags_FindDropsListAndGetRefuse()
    {
        var name = UniqueName();
        var (serviceId, instanceId) = await ProviderAsync(name, "shop");

        var reads = await ReadAllAsync("", "shop", name, serviceId, instanceId, "&tags=fast");

        // Batch find has no tags filter (its keys carry none), so it still answers the instance.
        Assert.Equal(new Reads(false, true, 400012, 400017, 200), reads);
    }

    [Fact]
    public async Task Reads_WithConsumer_EachRecordsTheDependency()
    {
        var providers = new List<string>();
        var consumer = await _server.RegisterServiceAsync(UniqueName(), appId: "shop");
        for (var read = 0; read < 4; read++)
        {
            var name = UniqueName();
            var (serviceId, instanceId) = await ProviderAsync(name, "shop");
            providers.Add(serviceId);
            var headers = new Dictionary<string, string> { ["X-ConsumerId"] = consumer };
            var request = read switch
            {
                0 => _server.SendAsync(HttpMethod.Get, $"{V4}/instances?appId=shop&serviceName={name}", headers: headers),
                1 => _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances", headers: headers),
                2 => _server.SendAsync(HttpMethod.Get, $"{V4}/microservices/{serviceId}/instances/{instanceId}", headers: headers),
                _ => _server.SendAsync(HttpMethod.Post, V4 + "/instances/action?type=query",
                    $$$"""{"instances":[{"instance":{"serviceId":"{{{serviceId}}}","instanceId":"{{{instanceId}}}"}}]}""", headers),
            };
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var json = await _server.GetJsonAsync($"{V4}/microservices/{consumer}/providers");

        Assert.Equal(providers.Order(StringComparer.Ordinal),
            json.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("serviceId").GetString()!).Order(StringComparer.Ordinal));
    }
}
