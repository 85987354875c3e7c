using k8s.Models;
using Microsoft.Extensions.Configuration;
using Sidecar.Agent.AutoRegistration;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.AutoRegistration;

/// <summary>What <c>sidecar inject</c> puts into a pod must start this agent (no crash loop) and drive auto-registration.</summary>
public sealed class InjectedSidecarTests
{
    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: shop-1
          namespace: shop
          annotations:
            sidecar.servicecomb.io/inject: "true"
            sidecar.servicecomb.io/service-name: shop
            sidecar.servicecomb.io/app-port: "8080"
        spec:
          containers:
          - name: app
            image: shop:1
        """;

    [Fact]
    public async Task Inject_SidecarArgsAndEnv_AreAcceptedByTheAgentAndConfigureAutoRegistration()
    {
        var dir = Directory.CreateTempSubdirectory("inject").FullName;
        try
        {
            var input = Path.Combine(dir, "pod.yaml");
            var output = Path.Combine(dir, "out.yaml");
            var config = Directory.CreateDirectory(Path.Combine(dir, "cluster")).FullName;
            await File.WriteAllTextAsync(input, Pod, TestContext.Current.CancellationToken);
            // The shipped ConfigMap's keys (manifests/configmap.yaml).
            foreach (var (key, value) in new[] { ("SIDECAR_CLUSTER_NAME", "cluster1"), ("SIDECAR_JOIN", "sidecar-peers:7946"), ("SIDECAR_AGGREGATE", "servicecenter,k8s") })
            {
                await File.WriteAllTextAsync(Path.Combine(config, key), value, TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, await SidecarCommand.RunAsync(["inject", "-f", input, "-o", output, "--cluster-config", config]));
            var pod = Sidecar.Kubernetes.Manifests.KubeYaml.Deserialize<V1Pod>(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken), strict: false);
            var sidecar = pod.Spec.InitContainers.Single(c => c.Name == "sidecar");
            var downward = new Dictionary<string, string>
            {
                ["metadata.name"] = "shop-1", ["metadata.namespace"] = "shop", ["status.podIP"] = "10.0.0.7",
                ["metadata.uid"] = "11111111-2222-3333-4444-555555555555", ["spec.nodeName"] = "node-1",
            };
            var env = sidecar.Env.ToDictionary(e => e.Name, e => e.Value ?? downward[e.ValueFrom.FieldRef.FieldPath]);

            // Every env var the agent reads as a flag is one it accepts.
            foreach (var planned in CommandLine.PlannedFlags)
            {
                Assert.DoesNotContain("SIDECAR_" + planned.Replace('-', '_').ToUpperInvariant(), env.Keys);
            }

            // Kubernetes expands $(VAR) in args from the container's env; the mounted gossip key Secret is a temp file here.
            var keyFile = Path.Combine(dir, "key");
            await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), TestContext.Current.CancellationToken);
            var args = sidecar.Args.Skip(1).Select(a => a.Replace("$(POD_NAME)", env["POD_NAME"], StringComparison.Ordinal).Replace("$(POD_IP)", env["POD_IP"], StringComparison.Ordinal)
                .Replace("/etc/sidecar/gossip/key", keyFile, StringComparison.Ordinal)).ToArray();
            var options = CommandLine.ParseAgent(args, new ConfigurationBuilder().Build());
            Assert.Equal("127.0.0.1:30100", options.Listen.ToString());
            Assert.Equal("0.0.0.0:30101", options.HealthListen?.ToString());
            Assert.Equal(["--gossip-bind", "--gossip-advertise", "--join", "--gossip-key-file"], args.Where(a => a.StartsWith("--gossip", StringComparison.Ordinal) || a == "--join"));

            var registration = AutoRegistrationEnvironment.Read(name => env.GetValueOrDefault(name))!;
            Assert.Equal("11111111222233334444555555555555", registration.Instance.InstanceId);
            Assert.Equal(["rest://10.0.0.7:8080"], registration.Instance.Endpoints);
            Assert.Equal(("shop", "shop"), (registration.Service.AppId, registration.Service.ServiceName));
            Assert.Equal("10.0.0.7", registration.ProbeHost);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Inject_SidecarArgsAndEnv_StartARealAgentThatGossipsAndDrains()
    {
        var dir = Directory.CreateTempSubdirectory("inject-run").FullName;
        try
        {
            var input = Path.Combine(dir, "pod.yaml");
            var output = Path.Combine(dir, "out.yaml");
            await File.WriteAllTextAsync(input, Pod, TestContext.Current.CancellationToken);
            Assert.Equal(0, await SidecarCommand.RunAsync(["inject", "-f", input, "-o", output]));
            var pod = Sidecar.Kubernetes.Manifests.KubeYaml.Deserialize<V1Pod>(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken), strict: false);
            var sidecar = pod.Spec.InitContainers.Single(c => c.Name == "sidecar");
            var downward = new Dictionary<string, string>
            {
                ["metadata.name"] = "shop-1", ["metadata.namespace"] = "shop", ["status.podIP"] = "127.0.0.1",
                ["metadata.uid"] = "11111111-2222-3333-4444-555555555555", ["spec.nodeName"] = "node-1",
            };
            var env = sidecar.Env.ToDictionary(e => e.Name, e => e.Value ?? downward[e.ValueFrom.FieldRef.FieldPath]);

            // Exactly the injected args, with what a test machine cannot give substituted: the pod IP is loopback, the
            // fixed ports are free ones, the mounted key and the emptyDir are temp paths (SidecarProcess adds --listen
            // and --data-dir itself, so the injected ones are left out).
            var keyFile = Path.Combine(dir, "key");
            await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n", TestContext.Current.CancellationToken);
            var health = SidecarProcess.FreePort();
            var gossip = SidecarProcess.FreePort();
            var injected = sidecar.Args.Skip(1).ToList();
            var args = new List<string>();
            for (var i = 0; i < injected.Count; i += 2)
            {
                var (flag, value) = (injected[i], injected[i + 1]);
                if (flag is "--listen" or "--data-dir")
                {
                    continue;
                }

                value = value.Replace("$(POD_NAME)", env["POD_NAME"], StringComparison.Ordinal).Replace("$(POD_IP)", env["POD_IP"], StringComparison.Ordinal)
                    .Replace("0.0.0.0:30101", $"127.0.0.1:{health}", StringComparison.Ordinal)
                    .Replace("0.0.0.0:7946", $"127.0.0.1:{gossip}", StringComparison.Ordinal)
                    .Replace("127.0.0.1:7946", $"127.0.0.1:{gossip}", StringComparison.Ordinal)
                    .Replace("/etc/sidecar/gossip/key", keyFile, StringComparison.Ordinal);
                args.AddRange([flag, value]);
            }

            Assert.Contains("--gossip-key-file", args);
            await using var agent = await SidecarProcess.StartWithEnvironmentAsync(Directory.CreateDirectory(Path.Combine(dir, "data")).FullName, null, env, [.. args]);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{health}") };
            var members = await agent.Client.GetStringAsync("/v1/members", TestContext.Current.CancellationToken);
            Assert.Contains("shop-1", members, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{gossip}", members, StringComparison.Ordinal);
            // The preStop hook's GET /v1/drain on the health port answers.
            using var drain = await http.GetAsync("/v1/drain", TestContext.Current.CancellationToken);
            Assert.True(drain.IsSuccessStatusCode, agent.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
