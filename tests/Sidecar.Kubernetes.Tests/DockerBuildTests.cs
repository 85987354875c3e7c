using Sidecar.Tests.Shared;

namespace Sidecar.Kubernetes.Tests;

/// <summary>
/// Builds the repository's Dockerfile and runs the image's <c>sidecar --help</c> when a Docker engine answers; skipped
/// otherwise. Base images: env <c>SIDECAR_SDK_IMAGE</c>/<c>SIDECAR_RUNTIME_IMAGE</c>, else the local stand-ins of
/// <c>.ci/docker-images.sh</c> when present, else the Dockerfile's mcr.microsoft.com defaults.
/// </summary>
public sealed class DockerBuildTests
{
    private const string StandInSdk = "sidecar-standin/dotnet-sdk:10.0";
    private const string StandInRuntime = "sidecar-standin/dotnet-runtime-deps:10.0";

    [Fact]
    public async Task DockerBuild_Dockerfile_BuildsAnImageWhoseSidecarAnswersHelp()
    {
        var ct = TestContext.Current.CancellationToken;
        var info = await DockerCli.RunAsync(["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20), ct);
        if (info.Code != 0)
        {
            Assert.Skip($"no Docker engine answers (docker info: {info.Output.Trim()}); start dockerd, then .ci/docker-images.sh SKIP_BUILD=1 for stand-in base images");
        }

        var sdk = Environment.GetEnvironmentVariable("SIDECAR_SDK_IMAGE") ?? (await ExistsAsync(StandInSdk, ct) ? StandInSdk : null);
        var runtime = Environment.GetEnvironmentVariable("SIDECAR_RUNTIME_IMAGE") ?? (await ExistsAsync(StandInRuntime, ct) ? StandInRuntime : null);
        var tag = "sidecar-buildtest:" + Guid.NewGuid().ToString("N")[..12];
        List<string> build = ["build", "--network", "host", "-t", tag];
        if (sdk is not null)
        {
            build.AddRange(["--build-arg", "SDK_IMAGE=" + sdk]);
        }

        if (runtime is not null)
        {
            build.AddRange(["--build-arg", "RUNTIME_IMAGE=" + runtime]);
        }

        build.Add(DockerCli.RepositoryRoot());
        try
        {
            var built = await DockerCli.RunAsync([.. build], TimeSpan.FromMinutes(20), ct);
            Assert.True(built.Code == 0, "docker build failed:\n" + built.Output);

            var help = await DockerCli.RunAsync(["run", "--rm", "--read-only", tag, "--help"], TimeSpan.FromMinutes(2), ct);
            Assert.True(help.Code == 0, "sidecar --help in the image failed:\n" + help.Output);
            Assert.Contains("sidecar agent", help.Output, StringComparison.Ordinal);

            var user = await DockerCli.RunAsync(["image", "inspect", "--format", "{{.Config.User}}", tag], TimeSpan.FromSeconds(30), ct);
            Assert.Equal("1654:1654", user.Output.Trim());
        }
        finally
        {
            await DockerCli.RunAsync(["rmi", "-f", tag], TimeSpan.FromMinutes(1), CancellationToken.None);
        }
    }

    private static async Task<bool> ExistsAsync(string image, CancellationToken ct) =>
        (await DockerCli.RunAsync(["image", "inspect", image], TimeSpan.FromSeconds(20), ct)).Code == 0;
}
