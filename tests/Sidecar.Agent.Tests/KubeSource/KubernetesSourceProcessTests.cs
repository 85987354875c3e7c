using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Kubernetes.Tests.Infrastructure;
using Sidecar.Registry;

namespace Sidecar.Agent.Tests.KubeSource;

/// <summary>
/// A real <c>sidecar agent</c> process with <c>--aggregate k8s --kubeconfig</c> pointing at the simulated API server
/// (real HTTP on loopback, kubectl-style fixtures): what the Service-Center API and /v1 answer.
/// </summary>
public sealed class KubernetesSourceProcessTests : IAsyncLifetime
{
    private const string V4 = "/v4/default/registry";
    private static readonly string s_webId = ServiceIds.ForService("default", "default", "", "shop", "web", "1.2.0");
    private readonly string _dir = Directory.CreateTempSubdirectory("sidecar-k8s-").FullName;
    private FakeApiServer _server = null!;
    private string _kubeconfig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync(requiredToken: "agent-token");
        foreach (var resource in new[] { "services", "endpointslices", "pods", "nodes" })
        {
            _server.Seed(resource, JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "KubeSource", resource + ".json")))!["items"]!.AsArray());
        }

        _kubeconfig = _server.WriteKubeconfig(_dir, token: "agent-token");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Agent_AggregateK8s_FindAndV1InstancesAnswerTheMappedInstances()
    {
        await using var agent = await StartAgentAsync();

        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web")).Count == 3, "the web Service's three listed pods are found");
        var instances = await FindAsync(agent.Client, "shop", "web");
        var pod = instances.Single(i => i.GetProperty("hostName").GetString() == "web-6d9f7c-abcde");
        Assert.Equal("0b6e1f3a11114a2b9c3d000000000001", pod.GetProperty("instanceId").GetString());
        Assert.Equal(s_webId, pod.GetProperty("serviceId").GetString());
        Assert.Contains("rest://10.244.1.11:8443?sslEnabled=true", pod.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("rest://[fd00:10:244:1::b]:8080", pod.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("eu-west-1a", pod.GetProperty("dataCenterInfo").GetProperty("availableZone").GetString());
        Assert.Equal("prod-eu", pod.GetProperty("dataCenterInfo").GetProperty("name").GetString());
        Assert.Equal("192.168.0.10", pod.GetProperty("properties").GetProperty("nodeIP").GetString());
        Assert.Equal("default", pod.GetProperty("properties").GetProperty("namespace").GetString());
        Assert.Equal("DOWN", instances.Single(i => i.GetProperty("hostName").GetString() == "web-6d9f7c-fghij").GetProperty("status").GetString());

        var service = JsonDocument.Parse(await agent.Client.GetStringAsync($"{V4}/microservices/{s_webId}", Ct)).RootElement.GetProperty("service");
        Assert.Equal("PLATFORM", service.GetProperty("registerBy").GetString());
        Assert.Equal("Kubernetes", service.GetProperty("framework").GetProperty("name").GetString());

        var v1 = JsonDocument.Parse(await agent.Client.GetStringAsync("/v1/services/web/instances?appId=shop", Ct)).RootElement;
        Assert.Equal(3, v1.GetProperty("instances").GetArrayLength());
        var source = await SourceAsync(agent.Client, "k8s:prod-eu");
        Assert.Equal("fresh", source.GetProperty("state").GetString(), ignoreCase: true);

        // A pod leaves the Service (watch MODIFIED on its slice): it is gone from the answers.
        var slice = Find("endpointslices", "default", "web-m3n5t");
        slice["endpoints"] = new JsonArray(slice["endpoints"]![1]!.DeepClone());
        _server.Modify("endpointslices", slice);
        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web")).Count == 2, "web-6d9f7c-pqrst is removed");

        // A label change re-indexes the Service under its new version.
        var web = Find("services", "default", "web");
        web["metadata"]!["labels"]!["version"] = "1.3.0";
        _server.Modify("services", web);
        var newId = ServiceIds.ForService("default", "default", "", "shop", "web", "1.3.0");
        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web", "1.3.0")).All(i => i.GetProperty("serviceId").GetString() == newId)
            && (await FindAsync(agent.Client, "shop", "web", "1.3.0")).Count == 2, "web is found as 1.3.0");
    }

    [Fact]
    public async Task Agent_ServiceAndServiceCenterRegistrationWithTheSameKey_MergeUnderOneServiceId()
    {
        await using var agent = await StartAgentAsync();
        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web")).Count == 3, "the Kubernetes instances are found");

        var registered = await PostJsonAsync(agent.Client, $"{V4}/microservices", """{"service":{"appId":"shop","serviceName":"web","version":"1.2.0"}}""");
        var serviceId = registered.GetProperty("serviceId").GetString();
        var instance = await PostJsonAsync(agent.Client, $"{V4}/microservices/{serviceId}/instances",
            """{"instance":{"hostName":"vm-1","endpoints":["rest://10.9.9.9:8080"]}}""");

        Assert.Equal(s_webId, serviceId);
        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web")).Count == 4, "the registered instance joins the Kubernetes ones");
        var all = await FindAsync(agent.Client, "shop", "web");
        Assert.All(all, i => Assert.Equal(s_webId, i.GetProperty("serviceId").GetString()));
        Assert.Contains(all, i => i.GetProperty("instanceId").GetString() == instance.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Agent_RbacDenied_SourceOfflineWithTheRuleLoggedOnce()
    {
        _server.Forbid("pods");
        await using var agent = await StartAgentAsync();

        await Eventually(async () => (await SourceAsync(agent.Client, "k8s:prod-eu")).GetProperty("state").GetString()!.Equals("offline", StringComparison.OrdinalIgnoreCase),
            "the source shows offline");
        var source = await SourceAsync(agent.Client, "k8s:prod-eu");
        Assert.Contains("{apiGroups: [\"\"], resources: [\"pods\"], verbs: [\"list\", \"watch\"]}", source.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await Eventually(() => Task.FromResult(_server.Requests.Count(r => r.StartsWith("GET /api/v1/pods", StringComparison.Ordinal)) >= 3), "the agent retried");
        Assert.Single(agent.Output.Split('\n'), l => l.Contains("is forbidden by RBAC", StringComparison.Ordinal));
        Assert.Empty(await FindAsync(agent.Client, "shop", "web"));

        _server.Allow("pods");
        await Eventually(async () => (await FindAsync(agent.Client, "shop", "web")).Count == 3, "granted, the instances arrive");
        Assert.Equal("fresh", (await SourceAsync(agent.Client, "k8s:prod-eu")).GetProperty("state").GetString(), ignoreCase: true);
    }

    private Task<SidecarProcess> StartAgentAsync() =>
        SidecarProcess.StartAsync(Path.Combine(_dir, "data-" + Guid.NewGuid().ToString("N")[..8]), null,
            "--cluster-name", "prod-eu", "--aggregate", "k8s", "--kubeconfig", _kubeconfig, "--sync-interval", "500ms");

    private static JsonObject Find(string resource, string ns, string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "KubeSource", resource + ".json")))!["items"]!.AsArray()
            .Select(i => i!.AsObject())
            .Single(i => (string?)i["metadata"]!["namespace"] == ns && (string?)i["metadata"]!["name"] == name).DeepClone().AsObject();

    private static async Task<List<JsonElement>> FindAsync(HttpClient client, string appId, string name, string version = "latest")
    {
        using var response = await client.GetAsync($"{V4}/instances?appId={appId}&serviceName={name}&version={version}", Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        return AgentServer.Instances(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        return await AgentServer.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonElement> SourceAsync(HttpClient client, string source)
    {
        var text = await client.GetStringAsync("/v1/sources", Ct);
        return JsonDocument.Parse(text).RootElement.GetProperty("sources").EnumerateArray()
            .SingleOrDefault(s => s.GetProperty("source").GetString() == source, JsonDocument.Parse("""{"state":"absent"}""").RootElement).Clone();
    }

    private static async Task Eventually(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + because);
            await Task.Delay(50, Ct);
        }
    }
}
