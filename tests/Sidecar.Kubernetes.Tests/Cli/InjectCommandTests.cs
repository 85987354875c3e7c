using Sidecar.Kubernetes.Cli;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Cli;

public sealed class InjectCommandTests
{
    private static readonly string[] s_settings = ["--image", "registry.example/servicecomb/sidecar:0.1.0"];

    [Theory]
    [InlineData("pod")]
    [InlineData("deployment")]
    [InlineData("statefulset")]
    [InlineData("daemonset")]
    [InlineData("job")]
    [InlineData("cronjob")]
    [InlineData("multi")]
    public async Task Run_Workload_PrintsGoldenYaml(string name)
    {
        var (code, stdout, stderr) = await RunAsync(["-f", Golden.Path($"Inject/{name}.yaml"), .. s_settings]);

        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Golden.AssertText($"Inject/{name}.expected.yaml", stdout);
    }

    [Fact]
    public async Task Run_RegularContainerVariant_SidecarIsFirstContainer()
    {
        var (code, stdout, _) = await RunAsync(["-f", Golden.Path("Inject/deployment.yaml"), "--native-sidecar", "false", .. s_settings]);

        Assert.Equal(0, code);
        Golden.AssertText("Inject/deployment.container.expected.yaml", stdout);
    }

    [Fact]
    public async Task Run_OutputFlag_WritesFileAndPrintsNothing()
    {
        var output = Path.Combine(Path.GetTempPath(), $"inject-{Guid.NewGuid():N}.yaml");
        try
        {
            var (code, stdout, _) = await RunAsync(["-f", Golden.Path("Inject/job.yaml"), "-o", output, .. s_settings]);

            Assert.Equal(0, code);
            Assert.Equal("", stdout);
            Assert.Equal(Golden.Read("Inject/job.expected.yaml"), await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Run_InjectedOutputAgain_Unchanged()
    {
        var first = Path.Combine(Path.GetTempPath(), $"inject-{Guid.NewGuid():N}.yaml");
        try
        {
            await RunAsync(["-f", Golden.Path("Inject/multi.yaml"), "-o", first, .. s_settings]);
            var (code, stdout, _) = await RunAsync(["-f", first, .. s_settings]);

            Assert.Equal(0, code);
            Assert.Equal(await File.ReadAllTextAsync(first, TestContext.Current.CancellationToken), stdout);
        }
        finally
        {
            File.Delete(first);
        }
    }

    [Theory]
    [InlineData(new[] { "--bogus", "x" }, "--bogus")]
    [InlineData(new[] { "-f" }, "--filename")]
    [InlineData(new string[0], "-f")]
    [InlineData(new[] { "-f", "x.yaml", "--native-sidecar", "maybe" }, "--native-sidecar")]
    [InlineData(new[] { "-f", "x.yaml", "--memory-limit", "lots" }, "--memory-limit")]
    [InlineData(new[] { "-f", "x.yaml", "--cluster-config", "/nonexistent/dir" }, "--cluster-config")]
    public async Task Run_BadFlag_Exit2WithOneLineNamingTheFlag(string[] args, string flag)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(flag, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_Exit0ListingEveryFlagWithItsEnvName()
    {
        var (code, stdout, stderr) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var text = System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " ");
        Assert.All(InjectCommand.Flags, flag => Assert.Contains($"[env: {flag.EnvName}]", text, StringComparison.Ordinal));
        Assert.Contains("-f, --filename <file>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Typo_SuggestsTheFlag()
    {
        var (code, _, stderr) = await RunAsync(["-f", "x.yaml", "--memory-limt", "1Gi"]);

        Assert.Equal(2, code);
        Assert.Contains("did you mean --memory-limit?", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidAnnotation_Exit1NamingDocumentAndAnnotation()
    {
        var input = Path.Combine(Path.GetTempPath(), $"inject-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(input, Golden.Read("Inject/deployment.yaml").Replace("\"8080\"", "\"eighty\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        try
        {
            var (code, _, stderr) = await RunAsync(["-f", input]);

            Assert.Equal(1, code);
            Assert.Contains("document 1 (Deployment orders)", stderr, StringComparison.Ordinal);
            Assert.Contains("sidecar.servicecomb.io/app-port", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task Run_ClusterConfigDirectory_SettingsBecomeSidecarEnv()
    {
        var dir = Directory.CreateTempSubdirectory("cluster-config").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "SIDECAR_CLUSTER_NAME"), "cluster2\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "not-an-env-name"), "ignored", TestContext.Current.CancellationToken);
        try
        {
            var (code, stdout, _) = await RunAsync(["-f", Golden.Path("Inject/job.yaml"), "--cluster-config", dir]);

            Assert.Equal(0, code);
            var job = Sidecar.Kubernetes.Manifests.KubeYaml.Deserialize<k8s.Models.V1Job>(stdout, strict: true);
            var sidecar = Assert.Single(job.Spec.Template.Spec.InitContainers);
            Assert.Equal("cluster2", Assert.Single(sidecar.Env, e => e.Name == "SIDECAR_CLUSTER_NAME").Value);
            Assert.DoesNotContain("ignored", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("SIDECAR_GOSSIP_KEY", "sidecar-gossip")]
    [InlineData("SIDECAR_UPSTREAM_TOKEN_SC2", "sidecar-upstream")]
    public async Task Run_ClusterConfigHoldingASecret_Exit2SayingToUseASecret(string key, string secretName)
    {
        var dir = Directory.CreateTempSubdirectory("cluster-config").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, key), "c2VjcmV0LXZhbHVl\n", TestContext.Current.CancellationToken);
        try
        {
            var (code, stdout, stderr) = await RunAsync(["-f", Golden.Path("Inject/job.yaml"), "--cluster-config", dir]);

            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.Contains($"--cluster-config: cluster config key {key} holds a secret", stderr, StringComparison.Ordinal);
            Assert.Contains($"Secret {secretName}", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("c2VjcmV0LXZhbHVl", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Run_EmptyGossipKeySecret_InjectsAStandaloneAgentWithoutTheSecret()
    {
        var (code, stdout, stderr) = await RunAsync(["-f", Golden.Path("Inject/job.yaml"), "--gossip-key-secret", ""]);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.DoesNotContain("--gossip-bind", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sidecar-gossip", stdout, StringComparison.Ordinal);
        Assert.Contains("/v1/drain", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = await InjectCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
