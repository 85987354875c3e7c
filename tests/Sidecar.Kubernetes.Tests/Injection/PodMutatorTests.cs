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
    public void Mutate_AnnotatedPod_ApiOnLocalhostProbesOnHealthListener()
    {
        var sidecar = _mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        Assert.Equal("127.0.0.1:30100", Arg(sidecar, "--listen"));
        Assert.Equal("0.0.0.0:30101", Arg(sidecar, "--health-listen"));
        Assert.All(new[] { sidecar.ReadinessProbe, sidecar.LivenessProbe, sidecar.StartupProbe }, p => Assert.Equal("30101", p.HttpGet.Port.Value));
        Assert.Contains(sidecar.Ports, p => p.ContainerPort == 30101);
        Assert.DoesNotContain(sidecar.Ports, p => p.ContainerPort == 30100);
        var env = sidecar.Env.Select(e => e.Name).ToList();
        Assert.Contains("SIDECAR_CLUSTER_NAME", env);
    }

    [Fact]
    public void Mutate_AnnotatedPod_GossipsWithPodIpAndJoinSettingKeyOnlyFromMountedSecret()
    {
        var pod = _mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!;
        var sidecar = pod.Spec.InitContainers.Single();

        Assert.Equal("0.0.0.0:7946", Arg(sidecar, "--gossip-bind"));
        Assert.Equal("$(POD_IP):7946", Arg(sidecar, "--gossip-advertise"));
        Assert.Equal("status.podIP", sidecar.Env.Single(e => e.Name == "POD_IP").ValueFrom.FieldRef.FieldPath);
        // SIDECAR_JOIN of the cluster settings becomes the flag (a flag wins over env, so it is not also copied).
        Assert.Equal("sidecar-peers.sidecar-system.svc.cluster.local:7946", Arg(sidecar, "--join"));
        Assert.DoesNotContain(sidecar.Env, e => e.Name == "SIDECAR_JOIN");
        Assert.DoesNotContain("--gossip-key", sidecar.Args);
        Assert.DoesNotContain(sidecar.Env, e => e.Name.Contains("KEY", StringComparison.Ordinal));
        var keyFile = Arg(sidecar, "--gossip-key-file");
        var mount = Assert.Single(sidecar.VolumeMounts, m => keyFile.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal("sidecar-gossip", volume.Secret.SecretName);
        Assert.Null(volume.Secret.Optional);
        Assert.Equal(Path.GetFileName(keyFile), Assert.Single(volume.Secret.Items, i => i.Key == "key").Path);
    }

    [Fact]
    public void Mutate_NoJoinSetting_JoinsTheNamespacePeersService()
    {
        var mutator = new PodMutator(TestOptions.Injector() with { ClusterSettings = new Dictionary<string, string>() });

        var sidecar = mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        Assert.Equal("sidecar-peers:7946", Arg(sidecar, "--join"));
    }

    [Theory]
    [InlineData("false", "sidecar-gossip")]
    [InlineData(null, "")]
    public void Mutate_GossipOff_StandaloneWithoutSecret(string? annotation, string secretName)
    {
        var pod = AnnotatedPod();
        if (annotation is not null)
        {
            pod.Metadata.Annotations[SidecarAnnotations.Gossip] = annotation;
        }

        var result = new PodMutator(TestOptions.Injector() with { GossipKeySecretName = secretName }).Mutate(pod, new PodMutationContext("shop")).Pod!;
        var sidecar = result.Spec.InitContainers.Single();

        Assert.DoesNotContain(sidecar.Args, a => a.StartsWith("--gossip", StringComparison.Ordinal) || a == "--join");
        Assert.DoesNotContain(result.Spec.Volumes, v => v.Secret is not null);
        Assert.Single(sidecar.VolumeMounts);
    }

    [Fact]
    public void Mutate_GossipAnnotationNotBoolean_Rejected()
    {
        var pod = AnnotatedPod();
        pod.Metadata.Annotations[SidecarAnnotations.Gossip] = "off";

        var result = _mutator.Mutate(pod, new PodMutationContext("shop"));

        Assert.Equal(PodMutationOutcome.Rejected, result.Outcome);
        Assert.Contains(SidecarAnnotations.Gossip, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_UpstreamsConfigured_TokensReferencedOptionallyFromSecret()
    {
        var options = TestOptions.Injector() with
        {
            ClusterSettings = new Dictionary<string, string>
            {
                ["SIDECAR_CLUSTERS"] = "sc2=http://a:30100,http://b:30100,sc-east=https://c:30100",
                ["SIDECAR_REGISTRY_UPSTREAM"] = "http://sc1:30100",
            },
        };

        var sidecar = new PodMutator(options).Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!.Spec.InitContainers.Single();

        var tokens = sidecar.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).ToList();
        Assert.Equal(["SIDECAR_UPSTREAM_TOKEN_SC2", "SIDECAR_UPSTREAM_TOKEN_SC_EAST", "SIDECAR_REGISTRY_UPSTREAM_TOKEN"], tokens.Select(e => e.Name));
        Assert.All(tokens, e =>
        {
            Assert.Equal("sidecar-upstream", e.ValueFrom.SecretKeyRef.Name);
            Assert.Equal(e.Name, e.ValueFrom.SecretKeyRef.Key);
            Assert.True(e.ValueFrom.SecretKeyRef.Optional);
            Assert.Null(e.Value);
        });
    }

    [Fact]
    public void Mutate_AppContainers_PreStopDrainsThroughHealthListenerExistingPreStopKept()
    {
        var pod = AnnotatedPod();
        var theirs = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["/bin/sh", "-c", "sleep 3"] } };
        pod.Spec.Containers.Add(new V1Container { Name = "worker", Image = "worker:1", Lifecycle = new V1Lifecycle { PreStop = theirs } });

        var result = _mutator.Mutate(pod, new PodMutationContext("shop")).Pod!;

        var drain = result.Spec.Containers[0].Lifecycle.PreStop.HttpGet;
        Assert.Equal("/v1/drain", drain.Path);
        Assert.Equal("30101", drain.Port.Value);
        Assert.Null(drain.Host);
        Assert.Equal(["/bin/sh", "-c", "sleep 3"], result.Spec.Containers[1].Lifecycle.PreStop.Exec.Command);
        Assert.Null(result.Spec.Containers[1].Lifecycle.PreStop.HttpGet);
        Assert.Null(result.Spec.InitContainers.Single().Lifecycle);
    }

    [Fact]
    public void Mutate_RegularContainerMode_SidecarGetsNoPreStop()
    {
        var result = new PodMutator(TestOptions.Injector(nativeSidecar: false)).Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!;

        Assert.Null(result.Spec.Containers.Single(c => c.Name == "sidecar").Lifecycle);
        Assert.NotNull(result.Spec.Containers.Single(c => c.Name == "orders").Lifecycle.PreStop.HttpGet);
    }

    [Fact]
    public void Mutate_HostNetworkPod_RejectedNamingThePortClash()
    {
        var pod = AnnotatedPod();
        pod.Spec.HostNetwork = true;

        var result = _mutator.Mutate(pod, new PodMutationContext("shop"));

        Assert.Equal(PodMutationOutcome.Rejected, result.Outcome);
        Assert.Contains("hostNetwork", result.Reason, StringComparison.Ordinal);
        Assert.Contains("7946", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_DataVolume_EmptyDirWithSizeLimit()
    {
        var pod = _mutator.Mutate(AnnotatedPod(), new PodMutationContext("shop")).Pod!;

        Assert.Equal("256Mi", pod.Spec.Volumes.Single(v => v.Name == "sidecar-data").EmptyDir.SizeLimit.ToString());
    }

    [Theory]
    [InlineData("SIDECAR_GOSSIP_KEY", "c2VjcmV0", "Secret sidecar-gossip")]
    [InlineData("SIDECAR_UPSTREAM_TOKEN_SC2", "t0ken", "Secret sidecar-upstream")]
    [InlineData("SIDECAR_REGISTRY_UPSTREAM_TOKEN", "t0ken", "Secret sidecar-upstream")]
    [InlineData("SIDECAR_DB_PASSWORD", "pw", "Secret")]
    [InlineData("SIDECAR_CLUSTERS", "sc2=http://user:pw@sc2:30100", "Secret sidecar-upstream")]
    [InlineData("SIDECAR_GOSSIP_BIND", "0.0.0.0:1", "set per pod by the injector")]
    public void Validate_ClusterConfigWithSecretOrInjectorOwnedSetting_RefusedSayingWhatToDo(string key, string value, string advice)
    {
        var options = TestOptions.Injector() with { ClusterSettings = new Dictionary<string, string> { [key] = value } };

        var result = new InjectorOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(advice, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(value, result.FailureMessage, StringComparison.Ordinal);
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

    private static string Arg(V1Container container, string flag)
    {
        var index = container.Args.IndexOf(flag);
        Assert.True(index >= 0, $"no {flag} in {string.Join(' ', container.Args)}");
        return container.Args[index + 1];
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
