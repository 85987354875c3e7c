using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Sidecar.Tests.Shared;

/// <summary>
/// The docker CLI, shared by the tests that use a Docker engine (Sidecar.Kubernetes.Tests' DockerBuildTests, the
/// end-to-end suite: what Testcontainers cannot do here, such as build with <c>--network host</c> and SIGKILL).
/// </summary>
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

    /// <summary>The repository's root: the first directory above this source file holding the Dockerfile.</summary>
    public static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        var dir = Path.GetDirectoryName(thisFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Dockerfile")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("no Dockerfile above " + thisFile);
    }
}
