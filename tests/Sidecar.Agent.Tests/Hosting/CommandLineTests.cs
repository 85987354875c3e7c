using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sidecar.Agent.Tests.Hosting;

/// <summary>The built <c>sidecar</c> executable run as a real process.</summary>
public sealed class CommandLineTests
{
    private static readonly string s_sidecarDll = Path.Combine(AppContext.BaseDirectory, "sidecar.dll");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Process Start(params string[] args)
    {
        var info = Sidecar.Tests.Shared.AgentExecutable.StartInfo(s_sidecarDll, args);
        info.WorkingDirectory = AppContext.BaseDirectory;

        // Settings must come from the command line only.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SIDECAR_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Help_Flag_Exits0AndListsCommandsAndFlags()
    {
        var (exitCode, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var expected in new[] { "agent", "--listen", "--data-dir", "--cluster-name", "--node-name" })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Agent_UnknownFlag_ExitsNonZeroWithOneLineNamingIt()
    {
        var (exitCode, stdout, stderr) = await RunAsync("agent", "--bogus-flag", "x");

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single((stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--bogus-flag", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("not-an-ip:30100")]
    public async Task Agent_MalformedListen_ExitsNonZeroWithOneLineNamingTheFlag(string listen)
    {
        var (exitCode, stdout, stderr) = await RunAsync("agent", "--listen", listen);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single((stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--listen", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_ValidListen_ServesV1Health()
    {
        var port = FreePort();
        var dataDir = Path.Combine(Path.GetTempPath(), "sidecar-cli-" + Guid.NewGuid().ToString("N"));
        using var process = Start("agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir, "--node-name", "cli-test");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            HttpResponseMessage? response = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (response is null)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the agent exited with {process.ExitCode}: {await stderr}");
                }

                try
                {
                    response = await client.GetAsync("/v1/health", Ct);
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, Ct);
                }
            }

            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            _ = await stdout;
            _ = await stderr;
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }
}
