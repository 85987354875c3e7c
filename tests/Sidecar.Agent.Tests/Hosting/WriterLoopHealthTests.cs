using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Agent.Hosting;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Hosting;

/// <summary>Liveness and readiness follow the replica's writer loop: a stuck loop fails both, and they recover with it.</summary>
public sealed class WriterLoopHealthTests : IAsyncDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-loophealth-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Health_WriterLoopStuck_LivenessAndReadinessFail_ThenRecoverWhenItMovesAgain()
    {
        _app = AgentHost.Build(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            NodeName = "loop-node",
            DataDir = _dataDir,
            WriterStuckAfter = TimeSpan.FromSeconds(1),
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        var replica = _app.Services.GetRequiredService<Replica>();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/v1/health")).Status);

        // An operation that blocks the loop, and work queued behind it.
        using var release = new ManualResetEventSlim();
        var blocker = replica.WriteAsync(_ => release.Wait(TimeSpan.FromMinutes(2)), CancellationToken.None);
        var queued = replica.WriteAsync(_ => 0, CancellationToken.None);
        var (status, text) = await PollAsync(client, "/v1/health", HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith("not alive: the replica writer loop has made no progress", text, StringComparison.Ordinal);
        var ready = await GetAsync(client, "/v1/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.StartsWith("not ready: the replica writer loop", ready.Text, StringComparison.Ordinal);

        release.Set();
        await blocker;
        await queued;
        Assert.Equal((HttpStatusCode.OK, "alive"), await PollAsync(client, "/v1/health", HttpStatusCode.OK));
        Assert.Equal((HttpStatusCode.OK, "ready"), await PollAsync(client, "/v1/health/ready", HttpStatusCode.OK));
    }

    private static async Task<(HttpStatusCode Status, string Text)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Text)> PollAsync(HttpClient client, string path, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var answer = await GetAsync(client, path);
            if (answer.Status == wanted || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(100);
        }
    }
}
