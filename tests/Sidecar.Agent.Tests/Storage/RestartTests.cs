using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sidecar.Agent.Tests.Storage;

public sealed class RestartTests : IDisposable
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-restart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_NothingElseReachable_FirstRequestAnswersPersistedCopyMarkedStale()
    {
        string serviceId;
        string instanceId;
        await using (var agent = await SidecarProcess.StartAsync(_dataDir))
        {
            (serviceId, instanceId) = await RegisterAsync(agent.Client);
            using var fresh = await agent.Client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");
            Assert.False(fresh.Headers.Contains("X-Sidecar-Stale"));
            agent.Kill();
        }

        await using var restarted = await SidecarProcess.StartAsync(_dataDir);
        using var response = await restarted.Client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("X-Sidecar-Stale").Single());
        Assert.True(int.Parse(response.Headers.GetValues("X-Sidecar-Age").Single()) >= 0);
        Assert.Contains(instanceId, await response.Content.ReadAsStringAsync());

        // The app's next heartbeat confirms the local source: no longer stale.
        using var heartbeat = await restarted.Client.PutAsync($"{Registry}/microservices/{serviceId}/instances/{instanceId}/heartbeat", null);
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        using var after = await restarted.Client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");
        Assert.False(after.Headers.Contains("X-Sidecar-Stale"));
        Assert.Equal("0", after.Headers.GetValues("X-Sidecar-Age").Single());
    }

    [Fact]
    public async Task Restart_SameDataDir_KeepsNodeNameAndRaisesIncarnation()
    {
        await using (var agent = await SidecarProcess.StartAsync(_dataDir, null, "--node-name", "pod-a"))
        {
            agent.Kill();
        }

        await using var restarted = await SidecarProcess.StartAsync(_dataDir);
        var sources = await restarted.Client.GetFromJsonAsync<JsonElement>("/v1/sources");

        Assert.Contains(sources.GetProperty("sources").EnumerateArray(), s => s.GetProperty("source").GetString() == "agent:pod-a");
    }

    [Fact]
    public async Task Start_DataDirHeldByAnotherAgent_IsRefusedWithAClearError()
    {
        await using var first = await SidecarProcess.StartAsync(_dataDir);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SidecarProcess.StartAsync(_dataDir));

        Assert.Contains("exited with code 1", error.Message);
        Assert.Equal("{}", await first.Client.GetStringAsync($"{Registry}/microservices"));
    }

    [Fact]
    public async Task Start_DataDirNotWritable_ExitsWithOneClearLine()
    {
        var info = Sidecar.Tests.Shared.AgentExecutable.StartInfo(Path.Combine(AppContext.BaseDirectory, "sidecar.dll"), ["agent", "--listen", "127.0.0.1:0", "--data-dir", "/etc/passwd/data"]);

        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("--data-dir '/etc/passwd/data' is not writable", stderr);
    }

    [Fact]
    public async Task Restart_CorruptFile_KeepsACopyAndStartsEmpty()
    {
        Directory.CreateDirectory(_dataDir);
        await File.WriteAllBytesAsync(Path.Combine(_dataDir, "sidecar.db"), Enumerable.Repeat((byte)0x5a, 20000).ToArray());

        await using var agent = await SidecarProcess.StartAsync(_dataDir);
        var services = await agent.Client.GetStringAsync($"{Registry}/microservices");

        Assert.Equal("{}", services);
        Assert.Single(Directory.GetFiles(_dataDir, "sidecar.db.corrupt-*"), f => !f.EndsWith("-log", StringComparison.Ordinal));
        (var serviceId, _) = await RegisterAsync(agent.Client);
        Assert.NotEmpty(serviceId);
    }

    private static async Task<(string ServiceId, string InstanceId)> RegisterAsync(HttpClient client)
    {
        using var service = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "app", serviceName = "svc", version = "1.0.0" } });
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
        using var instance = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances", new { instance = new { hostName = "h", endpoints = new[] { "rest://10.0.0.1:80" } } });
        return (serviceId, (await instance.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!);
    }
}
