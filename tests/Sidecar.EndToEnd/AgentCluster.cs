using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using DotNet.Testcontainers.Volumes;

namespace Sidecar.EndToEnd;

/// <summary>
/// Agent containers on one network of their own, joined through one DNS name (a network alias all of them carry, as a
/// headless Service's name), each with a named volume for its data dir. The API is reached through a mapped port
/// (docker-proxy works on this engine without iptables).
/// </summary>
internal sealed class AgentCluster : IAsyncDisposable
{
    public const string PeersAlias = "sidecar-peers";
    private const int ApiPort = 30100;
    private const int HealthPort = 30101;
    private readonly SidecarImage _image;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly Dictionary<string, IVolume> _volumes = [];

    private readonly string _timeScale;

    private AgentCluster(SidecarImage image, INetwork network, string timeScale)
    {
        _image = image;
        Network = network;
        _timeScale = timeScale;
    }

    public INetwork Network { get; }

    public Dictionary<string, Agent> Agents { get; } = [];

    // timeScale: SIDECAR_GOSSIP_TIME_SCALE; 0.25 speeds every gossip interval up fourfold, 1 is production timing.
    public static async Task<AgentCluster> CreateAsync(SidecarImage image, string timeScale, CancellationToken ct)
    {
        var network = new NetworkBuilder().WithName($"sidecar-e2e-{SidecarImage.RunId}-{Guid.NewGuid().ToString("N")[..6]}")
            .WithLabel(SidecarImage.RunLabel.Key, SidecarImage.RunLabel.Value).WithCleanUp(false).Build();
        await network.CreateAsync(ct);
        return new AgentCluster(image, network, timeScale);
    }

    /// <summary>Starts (or restarts on its volume) agent <paramref name="name"/>; returns once /v1/health/ready answers.</summary>
    public async Task<Agent> StartAsync(string name, CancellationToken ct)
    {
        if (!_volumes.TryGetValue(name, out var volume))
        {
            volume = new VolumeBuilder().WithName($"{Network.Name}-{name}")
                .WithLabel(SidecarImage.RunLabel.Key, SidecarImage.RunLabel.Value).WithCleanUp(false).Build();
            await volume.CreateAsync(ct);
            _volumes[name] = volume;
        }

        var container = new ContainerBuilder(_image.Tag)
            .WithName($"{Network.Name}-{name}-{Guid.NewGuid().ToString("N")[..4]}")
            .WithLabel(SidecarImage.RunLabel.Key, SidecarImage.RunLabel.Value)
            .WithNetwork(Network)
            .WithNetworkAliases(PeersAlias, name)
            .WithVolumeMount(volume, "/var/lib/sidecar")
            .WithPortBinding(ApiPort, true)
            .WithPortBinding(HealthPort, true)
            .WithEnvironment("SIDECAR_GOSSIP_KEY", _key)
            .WithEnvironment("SIDECAR_GOSSIP_TIME_SCALE", _timeScale)
            .WithCommand("agent", "--data-dir", "/var/lib/sidecar", "--node-name", name,
                "--listen", $"0.0.0.0:{ApiPort}", "--allowed-hosts", "*", "--health-listen", $"0.0.0.0:{HealthPort}",
                "--gossip-bind", "0.0.0.0:7946", "--join", $"{PeersAlias}:7946")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(HealthPort).ForPath("/v1/health/ready")))
            .WithCleanUp(false)
            .Build();
        // The readiness wait has no deadline of its own: an agent that never gets ready fails the test in 2 min.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await container.StartAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var logs = await container.GetLogsAsync(ct: CancellationToken.None);
            await container.DisposeAsync();
            Assert.Fail($"{name} not ready within 2 min; its log:\n{logs.Stdout}\n{logs.Stderr}");
        }
        var agent = new Agent(name, container);
        Agents[name] = agent;
        return agent;
    }

    /// <summary>SIGKILL, as a crashed pod: <c>docker kill</c> (Testcontainers only stops gracefully).</summary>
    public async Task KillAsync(string name)
    {
        var agent = Agents[name];
        var killed = await DockerCli.RunAsync(["kill", agent.Container.Id], TimeSpan.FromSeconds(30));
        Assert.True(killed.Code == 0, killed.Output);
        Agents.Remove(name);
        await agent.DisposeAsync();
    }

    /// <summary><c>docker pause</c>/<c>unpause</c>: the cgroup freezer, as a stalled node (long GC, CPU throttling).</summary>
    public async Task PauseAsync(string name, bool pause)
    {
        var result = await DockerCli.RunAsync([pause ? "pause" : "unpause", Agents[name].Container.Id], TimeSpan.FromSeconds(30));
        Assert.True(result.Code == 0, result.Output);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents.Values)
        {
            await agent.DisposeAsync();
        }

        foreach (var volume in _volumes.Values)
        {
            await DockerCli.RunAsync(["volume", "rm", "-f", volume.Name], TimeSpan.FromSeconds(30));
        }

        await Network.DeleteAsync();
    }
}

/// <summary>One agent container and an HTTP client on its mapped API port.</summary>
internal sealed class Agent(string name, IContainer container) : IAsyncDisposable
{
    public const string Registry = "/v4/default/registry";

    public string Name { get; } = name;

    public IContainer Container { get; } = container;

    public HttpClient Client { get; } = new()
    {
        BaseAddress = new Uri($"http://{container.Hostname}:{container.GetMappedPublicPort(30100)}"),
        Timeout = TimeSpan.FromSeconds(5),
    };

    public async Task<(string ServiceId, string InstanceId)> RegisterAsync(string serviceName, CancellationToken ct)
    {
        using var service = await Client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "shop", serviceName, version = "1.0.0" } }, ct);
        service.EnsureSuccessStatusCode();
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("serviceId").GetString()!;
        using var instance = await Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = serviceName + "-1", endpoints = new[] { "rest://10.0.0.1:8080" } } }, ct);
        instance.EnsureSuccessStatusCode();
        return (serviceId, (await instance.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("instanceId").GetString()!);
    }

    public async Task<int> FindCountAsync(string serviceName, CancellationToken ct)
    {
        using var response = await Client.GetAsync($"{Registry}/instances?appId=shop&serviceName={serviceName}", ct);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.TryGetProperty("instances", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
    }

    public async Task<List<(string Name, string State)>> MembersAsync(CancellationToken ct)
    {
        var body = await Client.GetFromJsonAsync<JsonElement>("/v1/members", ct);
        return [.. body.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("state").GetString()!))];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Container.DisposeAsync();
    }
}
