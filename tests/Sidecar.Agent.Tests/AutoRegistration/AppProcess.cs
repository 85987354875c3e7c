using System.Diagnostics;

namespace Sidecar.Agent.Tests.AutoRegistration;

/// <summary>The "app" of the pod: <c>python3 -m http.server</c> on a loopback port, started and stopped by the test.</summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;

    private AppProcess(Process process) => _process = process;

    public static async Task<AppProcess> StartAsync(int port)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--directory", Path.GetTempPath() })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/");
                return new AppProcess(process);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill();
        throw new TimeoutException($"python3 -m http.server did not answer on port {port}");
    }

    /// <summary>The app stops answering: its port refuses connections.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
