using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>A real agent whose data dir is a small tmpfs that fills up, then gets space back.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-diskfull-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _dataDir);
        _mounted = code == 0;
        if (!_mounted)
        {
            Directory.Delete(_dataDir);
            Assert.Skip($"mounting a tmpfs is not permitted here (mount exited {code}: {output.Trim()}); run the tests as root to cover the disk-full case");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            await RunAsync("umount", "-l", _dataDir);
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Register_DataDirFull_Answers500011_ReadsServed_WritesResumeWhenSpaceReturns()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir);
        var serviceId = await CreateServiceAsync(agent.Client, "svc");
        Assert.Equal(HttpStatusCode.OK, (await RegisterInstanceAsync(agent.Client, serviceId, "before")).Status);

        var junk = Path.Combine(_dataDir, "junk");
        Fill(junk);
        var (status, body) = await RegisterInstanceAsync(agent.Client, serviceId, "while-full");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("500011", body.GetProperty("errorCode").GetString());
        Assert.Equal("Registry service is unavailable", body.GetProperty("errorMessage").GetString());
        Assert.Equal(["before"], await HostsAsync(agent.Client));
        using (var notReady = await agent.Client.GetAsync("/v1/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("store cannot write", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var alive = await agent.Client.GetAsync("/v1/health"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        File.Delete(junk);
        await WaitReadyAsync(agent.Client);
        Assert.Equal(HttpStatusCode.OK, (await RegisterInstanceAsync(agent.Client, serviceId, "after")).Status);
        Assert.Equal(["after", "before"], await HostsAsync(agent.Client));

        // What was refused was never half-written: a restart from the same files shows the same.
        Assert.Equal(0, await agent.TerminateAsync());
        await using var restarted = await SidecarProcess.StartAsync(_dataDir);
        Assert.Equal(["after", "before"], await HostsAsync(restarted.Client));
    }

    /// <summary>Writes junk until the file system refuses more.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. Fill the last bytes too, chunk by chunk.
            for (var size = chunk.Length / 2; size > 0; size /= 2)
            {
                try
                {
                    stream.Write(chunk.AsSpan(0, size));
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var ready = await client.GetAsync("/v1/health/ready");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "not ready again within 60 s: " + await ready.Content.ReadAsStringAsync());
            await Task.Delay(200);
        }
    }

    private static async Task<string> CreateServiceAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "app", serviceName = name, version = "1.0.0" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> RegisterInstanceAsync(HttpClient client, string serviceId, string host)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = host, endpoints = new[] { $"rest://{host}:80" } } });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static async Task<List<string>> HostsAsync(HttpClient client)
    {
        using var response = await client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("hostName").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
