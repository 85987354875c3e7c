using System.Diagnostics;

namespace Sidecar.EndToEnd;

/// <summary>The docker CLI, for what Testcontainers cannot do here: build with <c>--network host</c>, SIGKILL.</summary>
internal static class DockerCli
{
    public static async Task<(int Code, string Output)> RunAsync(string[] args, TimeSpan timeout, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, "docker is not installed: " + ex.Message);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"docker {string.Join(' ', args)} timed out after {timeout}");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
