using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Agent.Hosting;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests;

/// <summary>A real agent on 127.0.0.1:&lt;free port&gt; with a client pointed at it.</summary>
public sealed class AgentServer : IAsyncDisposable
{
    public const string V4 = "/v4/default/registry";

    private const string OwnedPrefix = "sidecar-test-";

    private AgentServer(WebApplication app, Uri baseAddress, FakeTimeProvider? time)
    {
        App = app;
        BaseAddress = baseAddress;
        Time = time;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The fake clock, when the server was started with one.</summary>
    public FakeTimeProvider? Time { get; }

    public Replica Replica => App.Services.GetRequiredService<Replica>();

    /// <summary>Starts an agent; with <paramref name="time"/> the replica (leases, timestamps) runs on that clock.</summary>
    /// <remarks>Without <paramref name="dataDir"/> the server gets a fresh temporary one, deleted when it is disposed.</remarks>
    public static Task<AgentServer> StartAsync(FakeTimeProvider? time = null, TimeSpan? watchPingInterval = null, string? dataDir = null) =>
        StartAsync(configure: o => o, time, watchPingInterval, dataDir);

    /// <summary>Starts an agent whose settings <paramref name="configure"/> changes first (e.g. quotas, allowed hosts).</summary>
    internal static async Task<AgentServer> StartAsync(
        Func<AgentOptions, AgentOptions> configure, FakeTimeProvider? time = null, TimeSpan? watchPingInterval = null, string? dataDir = null)
    {
        var options = new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            NodeName = "test-node",
            DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), OwnedPrefix + Guid.NewGuid().ToString("N")),
            WatchPingInterval = watchPingInterval ?? TimeSpan.FromSeconds(30),
        };
        options = configure(options);
        var app = AgentHost.Build(options, services =>
        {
            if (time is not null)
            {
                services.AddSingleton<TimeProvider>(time);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AgentServer(app, new Uri(address), time);
    }

    public async ValueTask DisposeAsync()
    {
        var dataDir = App.Services.GetRequiredService<AgentOptions>().DataDir;
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        if (Path.GetFileName(dataDir).StartsWith(OwnedPrefix, StringComparison.Ordinal) && Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>A service name no other test uses.</summary>
    public static string UniqueName(string prefix = "svc") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Service-Center's serviceId: lowercase hex SHA-1 of the index key.</summary>
    public static string ExpectedServiceId(string domain, string project, string environment, string appId, string serviceName, string version) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"/cse-sr/ms/indexes/{domain}/{project}/{environment}/{appId}/{serviceName}/{version}")));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Registers a service and returns its id; fails the test on any error.</summary>
    public async Task<string> RegisterServiceAsync(
        string serviceName, string version = "1.0.0", string appId = "app", string? environment = null,
        string? alias = null, IDictionary<string, string>? properties = null, string? domain = null)
    {
        var service = new JsonObject
        {
            ["serviceName"] = serviceName,
            ["appId"] = appId,
            ["version"] = version,
        };
        if (environment is not null)
        {
            service["environment"] = environment;
        }

        if (alias is not null)
        {
            service["alias"] = alias;
        }

        if (properties is not null)
        {
            service["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        var headers = domain is null ? null : new Dictionary<string, string> { ["X-Domain-Name"] = domain };
        using var response = await SendAsync(HttpMethod.Post, V4 + "/microservices", new JsonObject { ["service"] = service }.ToJsonString(), headers);
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        return json.GetProperty("serviceId").GetString()!;
    }

    /// <summary>Registers an instance (hostName and one endpoint unless <paramref name="instanceJson"/> is given) and returns its id.</summary>
    public async Task<string> RegisterInstanceAsync(string serviceId, string? instanceJson = null, string? domain = null)
    {
        instanceJson ??= $$"""{"hostName":"host-{{Guid.NewGuid():N}}","endpoints":["rest://10.0.0.1:8080"]}""";
        var headers = domain is null ? null : new Dictionary<string, string> { ["X-Domain-Name"] = domain };
        using var response = await SendAsync(HttpMethod.Post, $"{V4}/microservices/{serviceId}/instances", $$$"""{"instance":{{{instanceJson}}}}""", headers);
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        return json.GetProperty("instanceId").GetString()!;
    }

    /// <summary>GETs a path and returns the parsed JSON body, asserting 200 and application/json.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, IDictionary<string, string>? headers = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, headers);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    public async Task<string> GetTextAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The instances of a find as a list (empty for <c>{}</c>).</summary>
    public async Task<List<JsonElement>> FindAsync(string appId, string serviceName, string? query = null, IDictionary<string, string>? headers = null)
    {
        var json = await GetJsonAsync($"{V4}/instances?appId={appId}&serviceName={serviceName}{query}", headers);
        return Instances(json);
    }

    public static List<JsonElement> Instances(JsonElement json) =>
        json.TryGetProperty("instances", out var list) ? [.. list.EnumerateArray()] : [];

    /// <summary>Polls until <paramref name="condition"/> holds (generous timeout; not a timing assertion).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + because);
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
