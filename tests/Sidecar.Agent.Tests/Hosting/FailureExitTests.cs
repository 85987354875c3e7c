using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Hosting;

/// <summary>A failed background service ends the process with a non-zero exit code and one line, so it is restarted.</summary>
public sealed class FailureExitTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-exit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Agent_GossipPortTaken_ExitsNonZeroWithOneLine()
    {
        // Hold the port for both protocols gossip binds.
        using var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        var key = Convert.ToBase64String(new byte[32]);

        var (exitCode, output) = await SidecarProcess.RunToExitAsync(_dataDir, null, "--gossip-bind", $"127.0.0.1:{port}", "--gossip-key", key);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("sidecar: ", StringComparison.Ordinal));
        Assert.Contains($"--gossip-bind 127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("cannot listen", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BackgroundServiceFails_Returns1WithOneLineNamingIt()
    {
        await using var app = Build(services => services.AddHostedService<FailingService>());
        using var error = new StringWriter();

        var exitCode = await AgentRunner.RunAsync(app, error).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sidecar: FailingService failed (InvalidOperationException: socket closed under gossip", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StartFailsWithAnUnexpectedError_Returns1WithOneLine()
    {
        await using var app = Build(services => services.AddHostedService<FailingStartService>());
        using var error = new StringWriter();

        var exitCode = await AgentRunner.RunAsync(app, error).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("sidecar: the agent failed to start (IOException: device gone)", line);
    }

    [Fact]
    public async Task RunAsync_StoppedCleanly_Returns0()
    {
        await using var app = Build(_ => { });
        using var error = new StringWriter();
        app.Lifetime.ApplicationStarted.Register(() => app.Lifetime.StopApplication());

        var exitCode = await AgentRunner.RunAsync(app, error).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Empty(error.ToString());
    }

    private WebApplication Build(Action<IServiceCollection> configure) => AgentHost.Build(
        new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), NodeName = "exit-node", DataDir = _dataDir },
        configure);

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(200, stoppingToken);
            throw new InvalidOperationException("socket closed under gossip\nsecond line");
        }
    }

    private sealed class FailingStartService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new IOException("device gone");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
