using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sidecar.Tests.Shared;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>A real <c>sidecar agent</c> process on a free loopback port, for restart and crash tests.</summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private SidecarProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    /// <summary>What the process wrote to stdout and stderr (the last 2,000 lines), one line each.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    /// <summary>The agent's process id (for <c>/proc/&lt;pid&gt;/status</c>).</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the agent with extra environment variables (e.g. the injected SIDECAR_APP_* and POD_*).</summary>
    public static Task<SidecarProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> environment, int? port = null, params string[] extra) =>
        StartWithEnvironmentAsync(dataDir, port, environment, extra);

    /// <summary>SIGTERM without waiting: the test watches what happens while the agent shuts down.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public static int FreeTcpPort() => FreePort();

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public static Task<SidecarProcess> StartAsync(string dataDir, int? port = null, params string[] extra) =>
        StartWithEnvironmentAsync(dataDir, port, null, extra);

    /// <summary>Starts an agent with extra environment variables (e.g. <c>SIDECAR_GOSSIP_TIME_SCALE</c>) and waits until it is ready.</summary>
    public static async Task<SidecarProcess> StartWithEnvironmentAsync(string dataDir, int? port, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        var agent = Launch(dataDir, port ?? FreePort(), environment, extra);
        await agent.WaitReadyAsync();
        return agent;
    }

    /// <summary>
    /// Starts an agent under <paramref name="wrapper"/> (a command that ends by exec-ing its arguments, e.g.
    /// <c>unshare</c>, so the process id stays the agent's) and waits until it is ready.
    /// </summary>
    public static async Task<SidecarProcess> StartWrappedAsync(IReadOnlyList<string> wrapper, string dataDir, int? port, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        var agent = Launch(dataDir, port ?? FreePort(), environment, extra, wrapper);
        try
        {
            await agent.WaitReadyAsync();
        }
        catch
        {
            // Not returned, so nobody else would stop it.
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    }

    /// <summary>Sends a signal (STOP, CONT, …) to the agent.</summary>
    public void Signal(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Starts an agent expected to refuse to run; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string dataDir, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        await using var agent = Launch(dataDir, FreePort(), environment, extra);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await agent._process.WaitForExitAsync(timeout.Token);
        return (agent._process.ExitCode, string.Join('\n', agent._output));
    }

    private static SidecarProcess Launch(string dataDir, int port, IReadOnlyDictionary<string, string>? environment, string[] extra, IReadOnlyList<string>? wrapper = null)
    {
        var sidecar = Path.Combine(AppContext.BaseDirectory, "sidecar.dll");
        var info = AgentExecutable.StartInfo(sidecar, new[] { "agent", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDir }.Concat(extra));
        if (wrapper is { Count: > 0 })
        {
            // Run the agent under the wrapper (e.g. unshare with a private /etc/hosts): the wrapper's argv comes first.
            var inner = new List<string>(wrapper) { info.FileName };
            inner.AddRange(info.ArgumentList);
            info.FileName = inner[0];
            info.ArgumentList.Clear();
            foreach (var arg in inner.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var agent = new SidecarProcess(process, port);
        process.OutputDataReceived += (_, e) => agent.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>SIGTERM, then waits for the process to exit: shutdown code runs (e.g. leaving the gossip cluster).</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Kill();
        }

        Client.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private async Task WaitReadyAsync()
    {
        // Generous: the whole suite runs many processes on 2 cores.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sidecar exited with code {_process.ExitCode} before it was ready: {string.Join('\n', _output)}");
            }

            try
            {
                using var response = await Client.GetAsync("/v1/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
                // The client's 30 s timeout on a machine loaded enough to stall the starting agent: ask again.
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("sidecar did not become ready within 90 s");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
