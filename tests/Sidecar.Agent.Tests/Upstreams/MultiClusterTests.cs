using System.Net;
using System.Text;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>
/// The seed's scenario with real processes on loopback: an agent standing as Service-Center "sc2" holds service
/// Server; a cluster-1 agent configured with <c>--clusters sc2=...</c> finds it. Short sync intervals; waits are generous.
/// </summary>
public sealed class MultiClusterTests : IDisposable
{
    private const string V4 = "/v4/default/registry";
    private readonly List<string> _dirs = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Clusters_ServerOnSc2_FoundByFindAndBatchFindWithClusterOfOrigin()
    {
        await using var sc2 = await SidecarProcess.StartAsync(Dir());
        var serviceId = await RegisterServiceAsync(sc2.Client, "Server");
        var first = await RegisterInstanceAsync(sc2.Client, serviceId, "10.2.0.1");
        await using var c1 = await SidecarProcess.StartAsync(Dir(), null, "--cluster-name", "c1", "--clusters", $"sc2=http://127.0.0.1:{sc2.Port}", "--sync-interval", "200ms");

        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Instances.Count == 1, "cluster 1 finds Server from sc2");
        var (instances, stale) = await FindAsync(c1.Client, "Server");
        Assert.Equal(first, instances[0].GetProperty("instanceId").GetString());
        Assert.Equal("sc2", instances[0].GetProperty("properties").GetProperty("cluster").GetString());
        Assert.False(stale);

        var batch = await PostJsonAsync(c1.Client, $"{V4}/instances/action?type=query",
            """{"services":[{"service":{"appId":"demo","serviceName":"Server","version":"0+"}}]}""");
        var updated = batch.GetProperty("services").GetProperty("updated")[0];
        Assert.Equal(first, updated.GetProperty("instances")[0].GetProperty("instanceId").GetString());
        Assert.Equal(1, await V1CountAsync(c1.Client, "Server", "sc2"));
        Assert.Equal(0, await V1CountAsync(c1.Client, "Server", "elsewhere"));

        // Changes and removals on sc2 arrive within an interval or so.
        var second = await RegisterInstanceAsync(sc2.Client, serviceId, "10.2.0.2");
        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Instances.Count == 2, "a new instance on sc2 arrives");
        (await sc2.Client.DeleteAsync($"{V4}/microservices/{serviceId}/instances/{first}", Ct)).Dispose();
        await AgentServer.EventuallyAsync(async () =>
        {
            var now = (await FindAsync(c1.Client, "Server")).Instances;
            return now.Count == 1 && now[0].GetProperty("instanceId").GetString() == second;
        }, "a removal on sc2 arrives");
    }

    [Fact]
    public async Task Clusters_BothDirections_NoLoopsNoGrowth()
    {
        var (p1, p2) = (UpstreamTestKit.FreePort(), UpstreamTestKit.FreePort());
        await using var sc2 = await SidecarProcess.StartAsync(Dir(), p2, "--cluster-name", "sc2", "--clusters", $"c1=http://127.0.0.1:{p1}", "--sync-interval", "200ms");
        await using var c1 = await SidecarProcess.StartAsync(Dir(), p1, "--cluster-name", "c1", "--clusters", $"sc2=http://127.0.0.1:{p2}", "--sync-interval", "200ms");
        var server = await RegisterServiceAsync(sc2.Client, "Server");
        var serverInstance = await RegisterInstanceAsync(sc2.Client, server, "10.2.0.1");
        var client = await RegisterServiceAsync(c1.Client, "Client");
        await RegisterInstanceAsync(c1.Client, client, "10.1.0.1");
        // The same service registered in both clusters: one serviceId, one instance from each.
        var shared = await RegisterServiceAsync(c1.Client, "Shared");
        Assert.Equal(shared, await RegisterServiceAsync(sc2.Client, "Shared"));
        await RegisterInstanceAsync(c1.Client, shared, "10.1.0.2");
        await RegisterInstanceAsync(sc2.Client, shared, "10.2.0.2");

        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Instances.Count == 1
            && (await FindAsync(sc2.Client, "Client")).Instances.Count == 1
            && (await FindAsync(c1.Client, "Shared")).Instances.Count == 2
            && (await FindAsync(sc2.Client, "Shared")).Instances.Count == 2, "each cluster sees the other's services");

        // Many intervals later nothing has bounced back or grown.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        foreach (var (agent, name, count) in new[] { (c1, "Server", 1), (c1, "Client", 1), (c1, "Shared", 2), (sc2, "Server", 1), (sc2, "Client", 1), (sc2, "Shared", 2) })
        {
            var instances = (await FindAsync(agent.Client, name)).Instances;
            Assert.Equal(count, instances.Count);
        }

        var own = Assert.Single((await FindAsync(sc2.Client, "Server")).Instances);
        Assert.False(own.TryGetProperty("properties", out var properties) && properties.TryGetProperty("cluster", out _), "sc2's own instance came back marked");

        (await sc2.Client.DeleteAsync($"{V4}/microservices/{server}/instances/{serverInstance}", Ct)).Dispose();
        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Instances.Count == 0, "the removal reaches cluster 1");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Empty((await FindAsync(c1.Client, "Server")).Instances);
        Assert.Empty((await FindAsync(sc2.Client, "Server")).Instances);
    }

    [Fact]
    public async Task Clusters_Sc2Killed_AnswersKeptStaleAcrossRestartThenFewerApplied()
    {
        var sc2Dir = Dir();
        var c1Dir = Dir();
        var sc2 = await SidecarProcess.StartAsync(sc2Dir);
        var sc2Port = sc2.Port;
        var serviceId = await RegisterServiceAsync(sc2.Client, "Server");
        var first = await RegisterInstanceAsync(sc2.Client, serviceId, "10.2.0.1");
        var second = await RegisterInstanceAsync(sc2.Client, serviceId, "10.2.0.2");
        string[] c1Args = ["--cluster-name", "c1", "--clusters", $"sc2=http://127.0.0.1:{sc2Port}", "--sync-interval", "200ms"];
        var c1 = await SidecarProcess.StartAsync(c1Dir, null, c1Args);
        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Instances.Count == 2, "cluster 1 pulls sc2");

        sc2.Kill();
        await sc2.DisposeAsync();
        await AgentServer.EventuallyAsync(async () => (await FindAsync(c1.Client, "Server")).Stale, "the answer turns stale");
        Assert.Equal(2, (await FindAsync(c1.Client, "Server")).Instances.Count);
        var source = await SourceAsync(c1.Client, "sc:sc2");
        Assert.Equal("stale", source.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(source.GetProperty("lastError").GetString()));
        Assert.Equal(2, source.GetProperty("instances").GetInt32());

        // Restart cluster 1's agent while sc2 is still down: the persisted copy is served, stale.
        var c1Port = c1.Port;
        c1.Kill();
        await c1.DisposeAsync();
        c1 = await SidecarProcess.StartAsync(c1Dir, c1Port, c1Args);
        await using (c1)
        {
            var (instances, stale) = await FindAsync(c1.Client, "Server");
            Assert.Equal(2, instances.Count);
            Assert.True(stale);
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.Equal(2, (await FindAsync(c1.Client, "Server")).Instances.Count);

            // sc2 comes back with fewer instances: applied, and the answer is fresh again.
            await using var back = await SidecarProcess.StartAsync(sc2Dir, sc2Port);
            (await back.Client.DeleteAsync($"{V4}/microservices/{serviceId}/instances/{first}", Ct)).Dispose();
            await AgentServer.EventuallyAsync(async () =>
            {
                var (now, isStale) = await FindAsync(c1.Client, "Server");
                return !isStale && now.Count == 1 && now[0].GetProperty("instanceId").GetString() == second;
            }, "sc2's smaller list is applied and fresh");
        }
    }

    [Fact]
    public async Task Agent_BadUpstreamFlag_ExitsWithOneLine()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SidecarProcess.StartAsync(Dir(), null, "--clusters", "sc2=not-a-url"));

        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string Dir()
    {
        var dir = Directory.CreateTempSubdirectory("sidecar-mc-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    private static async Task<string> RegisterServiceAsync(HttpClient client, string name)
    {
        var json = await PostJsonAsync(client, $"{V4}/microservices", $$$"""{"service":{"appId":"demo","serviceName":"{{{name}}}","version":"1.0.0"}}""");
        return json.GetProperty("serviceId").GetString()!;
    }

    private static async Task<string> RegisterInstanceAsync(HttpClient client, string serviceId, string ip)
    {
        var json = await PostJsonAsync(client, $"{V4}/microservices/{serviceId}/instances",
            $$$"""{"instance":{"hostName":"host-{{{ip}}}","endpoints":["rest://{{{ip}}}:8080"]}}""");
        return json.GetProperty("instanceId").GetString()!;
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        return await AgentServer.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<(List<JsonElement> Instances, bool Stale)> FindAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"{V4}/instances?appId=demo&serviceName={name}", Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ([], false);
        }

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        var stale = response.Headers.TryGetValues("X-Sidecar-Stale", out var values) && values.Contains("true");
        return (AgentServer.Instances(json), stale);
    }

    private static async Task<int> V1CountAsync(HttpClient client, string name, string cluster)
    {
        var text = await client.GetStringAsync($"/v1/services/{name}/instances?appId=demo&cluster={cluster}", Ct);
        return JsonDocument.Parse(text).RootElement.GetProperty("instances").GetArrayLength();
    }

    private static async Task<JsonElement> SourceAsync(HttpClient client, string source)
    {
        var text = await client.GetStringAsync("/v1/sources", Ct);
        return JsonDocument.Parse(text).RootElement.GetProperty("sources").EnumerateArray()
            .Single(s => s.GetProperty("source").GetString() == source).Clone();
    }
}
