using Microsoft.Extensions.Configuration;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.KubeSource;

public sealed class KubernetesFlagsTests
{
    [Fact]
    public void Apply_AggregateK8sWithoutFlags_InClusterAllNamespaces()
    {
        var options = Apply(new AgentOptions { Aggregate = ["k8s"] }, []);

        Assert.NotNull(options.Kubernetes);
        Assert.Null(options.Kubernetes.KubeconfigPath);
        Assert.Empty(options.Kubernetes.Namespaces);
    }

    [Fact]
    public void Apply_FlagsWinOverServiceCentersEnvironmentVariables()
    {
        var file = Path.GetTempFileName();
        try
        {
            var env = new Dictionary<string, string> { ["KUBERNETES_CONFIG_PATH"] = "/nope", ["KUBERNETES_NAMESPACE"] = "other" };

            var options = Apply(new AgentOptions { Aggregate = ["servicecenter", "k8s"] }, new() { ["kubeconfig"] = file, ["kube-namespaces"] = "team-a, team-b" }, env);

            Assert.Equal(file, options.Kubernetes!.KubeconfigPath);
            Assert.Equal(["team-a", "team-b"], options.Kubernetes.Namespaces);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Apply_ServiceCentersEnvironmentVariables_Honoured()
    {
        var file = Path.GetTempFileName();
        try
        {
            var options = Apply(new AgentOptions { Aggregate = ["k8s"] }, [], new() { ["KUBERNETES_CONFIG_PATH"] = file, ["KUBERNETES_NAMESPACE"] = "shop" });

            Assert.Equal(file, options.Kubernetes!.KubeconfigPath);
            Assert.Equal(["shop"], options.Kubernetes.Namespaces);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("kubeconfig", "/does/not/exist", "--kubeconfig '/does/not/exist' is not a readable file")]
    [InlineData("kube-namespaces", "Team_A", "--kube-namespaces: 'Team_A' is not a namespace name")]
    public void Apply_BadValue_OptionErrorNamingTheFlag(string flag, string value, string message)
    {
        var error = Assert.Throws<OptionException>(() => Apply(new AgentOptions { Aggregate = ["k8s"] }, new() { [flag] = value }));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_WithoutAggregateK8s_NoKubernetesSource() =>
        Assert.Null(Apply(new AgentOptions(), new() { ["kube-namespaces"] = "a" }).Kubernetes);

    [Fact]
    public void ParseAgent_KubernetesFlags_AreKnownAgentFlags()
    {
        var options = CommandLine.ParseAgent(["--aggregate", "k8s", "--kube-namespaces", "shop"], new ConfigurationBuilder().Build());

        Assert.Equal(["shop"], options.Kubernetes!.Namespaces);
    }

    private static AgentOptions Apply(AgentOptions options, Dictionary<string, string> flags, Dictionary<string, string>? env = null) =>
        KubernetesFlags.Apply(options, flags.GetValueOrDefault, name => env?.GetValueOrDefault(name));
}
