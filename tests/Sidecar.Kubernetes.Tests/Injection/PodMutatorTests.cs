using k8s;
using k8s.Models;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Injection;

public sealed class PodMutatorTests
{
    private readonly PodMutator _mutator = new(TestOptions.Injector());

    [Fact]
    public void Mutate_AnnotatedPod_LeavesInputUntouchedAndIsIdempotent()
    {
        var pod = AnnotatedPod();
        var before = KubernetesJson.Serialize(pod);

        var first = _mutator.Mutate(pod, new PodMutationContext("shop"));
        var second = _mutator.Mutate(first.Pod!, new PodMutationContext("shop"));

        Assert.Equal(before, KubernetesJson.Serialize(pod));
        Assert.Equal(PodMutationOutcome.Injected, first.Outcome);
        Assert.Equal("true", first.Pod!.Metadata.Labels[SidecarAnnotations.InjectedLabel]);
        Assert.Equal(PodMutationOutcome.Skipped, second.Outcome);
        Assert.Equal(SkipReasons.AlreadyInjected, second.Reason);
    }

    [Fact]
    public void Mutate_AnnotatedPod_ApiOnLocalhostProbesOnHealthListenerNoSettingsTheAgentRefuses()
    {
        var options = TestOptions.Injector() with
        {
            ClusterSettings = new Dictionary<string, string>
            {
                ["SIDECAR_CLUSTER_NAME"] = "cluster1",
                ["SIDECAR_JOIN"] = "sidecar-peers:7946",
                ["SIDECAR_GOSSIP_KEY"] = "k",
                ["SIDECAR_AGGREGATE"] = "k8s",
            },
        };

        var sidecar = new PodMutator(options).Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        Assert.Equal("127.0.0.1:30100", sidecar.Args[sidecar.Args.IndexOf("--listen") + 1]);
        Assert.Equal("0.0.0.0:30101", sidecar.Args[sidecar.Args.IndexOf("--health-listen") + 1]);
        Assert.DoesNotContain(sidecar.Args, a => a.StartsWith("--gossip", StringComparison.Ordinal) || a == "--join");
        Assert.All(new[] { sidecar.ReadinessProbe, sidecar.LivenessProbe, sidecar.StartupProbe }, p => Assert.Equal("30101", p.HttpGet.Port.Value));
        Assert.Contains(sidecar.Ports, p => p.ContainerPort == 30101);
        Assert.DoesNotContain(sidecar.Ports, p => p.ContainerPort == 30100);
        var env = sidecar.Env.Select(e => e.Name).ToList();
        Assert.Contains("SIDECAR_CLUSTER_NAME", env);
        Assert.DoesNotContain(env, n => n is "SIDECAR_JOIN" or "SIDECAR_GOSSIP_KEY");
        // Upstream settings are implemented by the agent, so the injector passes them on.
        Assert.Contains("SIDECAR_AGGREGATE", env);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("yes")]
    [InlineData(null)]
    public void Mutate_NotAnnotatedTrue_Skipped(string? value)
    {
        var pod = AnnotatedPod();
        pod.Metadata.Annotations.Remove(SidecarAnnotations.Inject);
        if (value is not null)
        {
            pod.Metadata.Annotations[SidecarAnnotations.Inject] = value;
        }

        var result = _mutator.Mutate(pod, new PodMutationContext("shop"));

        Assert.Equal(PodMutationOutcome.Skipped, result.Outcome);
        Assert.Equal(SkipReasons.NotAnnotated, result.Reason);
    }

    [Fact]
    public void Mutate_KubeSystem_Skipped()
    {
        var result = _mutator.Mutate(AnnotatedPod(), new PodMutationContext("kube-system"));

        Assert.Equal(SkipReasons.ProtectedNamespace, result.Reason);
    }

    [Fact]
    public void Mutate_AnnotatedPod_ScrapeAnnotationsPointAtTheHealthPort_UnlessTheAppHasItsOwn()
    {
        var plain = _mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Metadata.Annotations;
        var own = AnnotatedPod();
        own.Metadata.Annotations["prometheus.io/port"] = "9090";
        var kept = _mutator.Mutate(own, new PodMutationContext("shop")).Pod!.Metadata.Annotations;

        Assert.Equal("true", plain["prometheus.io/scrape"]);
        Assert.Equal("30101", plain["prometheus.io/port"]);
        Assert.Equal("/metrics", plain["prometheus.io/path"]);
        Assert.Equal(["prometheus.io/port"], kept.Keys.Where(k => k.StartsWith("prometheus.io/", StringComparison.Ordinal)));
        Assert.Equal("9090", kept["prometheus.io/port"]);
    }

    [Fact]
    public void Mutate_ExistingRegistryAddress_KeptAsTheUserSetIt()
    {
        var pod = AnnotatedPod();
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "SERVICECOMB_REGISTRY_ADDRESS", Value = "http://mine:30100" }];

        var app = _mutator.Mutate(pod, new PodMutationContext("shop")).Pod!.Spec.Containers.Single();

        Assert.Equal("http://mine:30100", app.Env.Single(e => e.Name == "SERVICECOMB_REGISTRY_ADDRESS").Value);
        Assert.Equal("http://127.0.0.1:30100", app.Env.Single(e => e.Name == "SIDECAR_HTTP_ADDRESS").Value);
    }

    [Theory]
    [InlineData(SidecarAnnotations.AppPort, "0")]
    [InlineData(SidecarAnnotations.AppPort, "65536")]
    [InlineData(SidecarAnnotations.AppProtocol, "http")]
    [InlineData(SidecarAnnotations.CpuRequest, "a lot")]
    [InlineData(SidecarAnnotations.MemoryLimit, "1 GB")]
    [InlineData(SidecarAnnotations.LogLevel, "loud")]
    [InlineData(SidecarAnnotations.LogFormat, "xml")]
    public void Mutate_InvalidAnnotation_RejectedNamingIt(string annotation, string value)
    {
        var pod = AnnotatedPod();
        pod.Metadata.Annotations[annotation] = value;

        var result = _mutator.Mutate(pod, new PodMutationContext("shop"));

        Assert.Equal(PodMutationOutcome.Rejected, result.Outcome);
        Assert.Contains(annotation, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "orders-7c9d8f6b5d", null, "orders")]
    [InlineData(null, null, null, "orders-7c9d8f6b5d-", "orders")]
    [InlineData(null, "catalog", "orders-7c9d8f6b5d", null, "catalog")]
    [InlineData("billing", "catalog", "orders-7c9d8f6b5d", null, "billing")]
    [InlineData(null, null, null, null, "single")]
    public void Mutate_ServiceName_FollowsDefaultsTable(string? annotation, string? nameLabel, string? owner, string? generateName, string expected)
    {
        var pod = AnnotatedPod();
        pod.Metadata.Name = "single";
        pod.Metadata.GenerateName = generateName;
        pod.Metadata.Labels = new Dictionary<string, string> { [SidecarAnnotations.PodTemplateHashLabel] = "7c9d8f6b5d" };
        if (annotation is not null)
        {
            pod.Metadata.Annotations[SidecarAnnotations.ServiceName] = annotation;
        }

        if (nameLabel is not null)
        {
            pod.Metadata.Labels[SidecarAnnotations.AppNameLabel] = nameLabel;
        }

        if (owner is not null)
        {
            pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = owner, Uid = "u", Controller = true }];
        }

        var sidecar = _mutator.Mutate(pod, new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        Assert.Equal(expected, sidecar.Env.Single(e => e.Name == "SIDECAR_SERVICE_NAME").Value);
        Assert.Equal("shop", sidecar.Env.Single(e => e.Name == "SIDECAR_APP_ID").Value);
        Assert.Equal("0.0.1", sidecar.Env.Single(e => e.Name == "SIDECAR_VERSION").Value);
        Assert.DoesNotContain(sidecar.Env, e => e.Name == "SIDECAR_APP_PORT");
    }

    [Fact]
    public void Mutate_NoGossipSecretConfigured_NoSecretReference()
    {
        var mutator = new PodMutator(TestOptions.Injector() with { GossipKeySecretName = "" });

        var sidecar = mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        Assert.DoesNotContain(sidecar.Env, e => e.ValueFrom?.SecretKeyRef is not null);
    }

    private static V1Pod AnnotatedPod() => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "orders-1",
            Annotations = new Dictionary<string, string> { [SidecarAnnotations.Inject] = "true" },
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "orders", Image = "orders:1" }] },
    };
}
