using System.Diagnostics;

[assembly: AssemblyFixture(typeof(Sidecar.EndToEnd.SidecarImage))]

namespace Sidecar.EndToEnd;

/// <summary>
/// The repository's Dockerfile built once per run with the docker CLI (<c>--network host</c>: restore needs the host
/// network, this engine has no NAT), on the stand-in base images of <c>.ci/docker-images.sh</c> when present. Everything
/// the run creates carries the label <see cref="RunLabel"/> and is removed at the end, also after a failed test.
/// </summary>
public sealed class SidecarImage : IAsyncLifetime
{
    public const string LabelKey = "sidecar.e2e.run";

    public string? Unavailable { get; private set; }

    public string Tag { get; } = "sidecar-e2e:" + RunId;

    public static string RunId { get; } = Guid.NewGuid().ToString("N")[..10];

    public static KeyValuePair<string, string> RunLabel => new(LabelKey, RunId);

    public TimeSpan BuildTime { get; private set; }

    public string? BuildError { get; private set; }

    /// <summary>Skips the calling test with one line when no engine answers; fails it when the build failed.</summary>
    public void Require()
    {
        Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");
        Assert.True(BuildError is null, BuildError);
    }

    public async ValueTask InitializeAsync()
    {
        var info = await DockerCli.RunAsync(["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20));
        if (info.Code != 0)
        {
            Unavailable = "end-to-end suite skipped: no Docker engine answers (start one with .ci/services)";
            // The one line in the test log (diagnostic messages are on in xunit.runner.json); each test skips with it too.
            TestContext.Current.SendDiagnosticMessage(Unavailable);
            return;
        }

        // This engine (20.10) speaks API 1.41 at most; Ryuk's image cannot be pulled here, the run cleans up itself.
        Environment.SetEnvironmentVariable("DOCKER_API_VERSION", Environment.GetEnvironmentVariable("DOCKER_API_VERSION") ?? "1.41");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");

        var sdk = Environment.GetEnvironmentVariable("SIDECAR_SDK_IMAGE") ?? await FirstExistingAsync("sidecar-standin/dotnet-sdk:10.0");
        // runtime-deps holds no .NET: the bare Debian stand-in serves as well (the image runs as uid 1654 by number).
        var runtime = Environment.GetEnvironmentVariable("SIDECAR_RUNTIME_IMAGE")
            ?? await FirstExistingAsync("sidecar-standin/dotnet-runtime-deps:10.0", "sidecar-standin/debian:bookworm");
        List<string> build = ["build", "--network", "host", "--label", $"{LabelKey}={RunId}", "-t", Tag];
        if (sdk is not null)
        {
            build.AddRange(["--build-arg", "SDK_IMAGE=" + sdk]);
        }

        if (runtime is not null)
        {
            build.AddRange(["--build-arg", "RUNTIME_IMAGE=" + runtime]);
        }

        build.Add(DockerCli.RepositoryRoot());
        var watch = Stopwatch.StartNew();
        // A cold cache means a Native AOT publish inside docker: 28 min measured here at load average ~24.
        var built = await DockerCli.RunAsync([.. build], TimeSpan.FromMinutes(45));
        BuildTime = watch.Elapsed;
        if (built.Code != 0)
        {
            BuildError = "docker build failed:\n" + built.Output[^Math.Min(4000, built.Output.Length)..];
        }

        Results.Add("image", $"docker build of the Dockerfile (Native AOT publish inside): {BuildTime.TotalSeconds:F0} s");
    }

    public async ValueTask DisposeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        // Whatever a failed test left behind: containers, then networks and volumes, then the image.
        var filter = $"label={LabelKey}={RunId}";
        var containers = await DockerCli.RunAsync(["ps", "-aq", "--filter", filter], TimeSpan.FromSeconds(30));
        foreach (var id in containers.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await DockerCli.RunAsync(["rm", "-f", "-v", id], TimeSpan.FromSeconds(30));
        }

        await DockerCli.RunAsync(["network", "prune", "-f", "--filter", filter], TimeSpan.FromSeconds(30));
        var volumes = await DockerCli.RunAsync(["volume", "ls", "-q", "--filter", filter], TimeSpan.FromSeconds(30));
        foreach (var id in volumes.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await DockerCli.RunAsync(["volume", "rm", "-f", id], TimeSpan.FromSeconds(30));
        }

        await DockerCli.RunAsync(["rmi", "-f", Tag], TimeSpan.FromMinutes(1));
        Results.Write(DockerCli.RepositoryRoot());
    }

    private static async Task<string?> FirstExistingAsync(params string[] images)
    {
        foreach (var image in images)
        {
            if ((await DockerCli.RunAsync(["image", "inspect", image], TimeSpan.FromSeconds(20))).Code == 0)
            {
                return image;
            }
        }

        return null;
    }
}
