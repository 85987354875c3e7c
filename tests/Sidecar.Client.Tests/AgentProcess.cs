using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json.Nodes;
using Sidecar.Tests.Shared;

namespace Sidecar.Client.Tests;

/// <summary>
/// A real <c>sidecar agent</c> process on a free loopback port (the parts of the agent tests' SidecarProcess the
/// client tests need), with the Service-Center v4 calls the tests make.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AgentProcess(Process process, int port, string dataDir)
    {
        _process = process;
        Port = port;
        DataDir = dataDir;
        Address = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string DataDir { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public string Output => string.Join('\n', _output);

    /// <summary>Starts an agent (on <paramref name="port"/> and <paramref name="dataDir"/> to restart one) and waits until it is ready.</summary>
    public static async Task<AgentProcess> StartAsync(string? dataDir = null, int? port = null)
    {
        var sidecar = typeof(AgentProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SidecarAgentDll").Value!;
        dataDir ??= Directory.CreateTempSubdirectory("sidecar-client-tests").FullName;
        port ??= FreePort();
        var info = AgentExecutable.StartInfo(sidecar, ["agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir]);

        var agent = new AgentProcess(Process.Start(info)!, port.Value, dataDir);
        agent._process.OutputDataReceived += (_, e) => agent.Keep(e.Data);
        agent._process.ErrorDataReceived += (_, e) => agent.Keep(e.Data);
        agent._process.BeginOutputReadLine();
        agent._process.BeginErrorReadLine();
        await agent.WaitReadyAsync();
        return agent;
    }

    public async Task<string> RegisterServiceAsync(string name, string appId = "demo")
    {
        using var response = await Http.PostAsJsonAsync("/v4/default/registry/microservices", new JsonObject
        {
            ["service"] = new JsonObject { ["appId"] = appId, ["serviceName"] = name, ["version"] = "1.0.0" },
        });
        return (await ReadAsync(response))["serviceId"]!.GetValue<string>();
    }

    public async Task<string> RegisterInstanceAsync(string serviceId, string endpoint)
    {
        using var response = await Http.PostAsJsonAsync($"/v4/default/registry/microservices/{serviceId}/instances", new JsonObject
        {
            ["instance"] = new JsonObject { ["hostName"] = "h-" + endpoint, ["endpoints"] = new JsonArray(endpoint) },
        });
        return (await ReadAsync(response))["instanceId"]!.GetValue<string>();
    }

    public async Task SetStatusAsync(string serviceId, string instanceId, string status)
    {
        using var response = await Http.PutAsync($"/v4/default/registry/microservices/{serviceId}/instances/{instanceId}/status?value={status}", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task UnregisterInstanceAsync(string serviceId, string instanceId)
    {
        using var response = await Http.DeleteAsync($"/v4/default/registry/microservices/{serviceId}/instances/{instanceId}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The instances of the service as the agent answers them right now.</summary>
    public async Task<JsonArray> InstancesAsync(string name, string appId = "demo")
    {
        using var response = await Http.GetAsync($"/v1/services/{name}/instances?appId={appId}");
        return (await ReadAsync(response))["instances"]!.AsArray();
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 500)
        {
            _output.TryDequeue(out _);
        }
    }

    private async Task WaitReadyAsync()
    {
        // Generous: the suites of several projects run processes on 2 cores.
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sidecar exited with code {_process.ExitCode} before it was ready: {Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/v1/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("sidecar did not become ready within 90 s: " + Output);
    }
}
