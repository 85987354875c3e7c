using k8s.Models;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Injection;

/// <summary>
/// The injected container and volumes checked against the Pod Security Standards (kubernetes.io/docs/concepts/security/
/// pod-security-standards), restricted profile including baseline, rule by rule. The pod's own securityContext is
/// left empty, so every container-level rule must hold on the sidecar itself.
/// </summary>
public sealed class RestrictedPodSecurityTests
{
    private static readonly string[] s_restrictedVolumeTypes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
    private static readonly string[] s_seLinuxTypes = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InjectedSidecar_MeetsRestrictedProfileOnItsOwn(bool nativeSidecar)
    {
        var pod = Inject(nativeSidecar);
        var sidecar = pod.Spec.InitContainers?.SingleOrDefault(c => c.Name == "sidecar") ?? pod.Spec.Containers.Single(c => c.Name == "sidecar");

        Assert.Empty(Violations(sidecar));
    }

    [Fact]
    public void InjectedVolumes_AreOfRestrictedTypes()
    {
        var pod = Inject(nativeSidecar: true);

        Assert.All(pod.Spec.Volumes, v => Assert.Contains(VolumeType(v), s_restrictedVolumeTypes));
        Assert.NotEqual(true, pod.Spec.HostNetwork);
        Assert.NotEqual(true, pod.Spec.HostPID);
        Assert.NotEqual(true, pod.Spec.HostIPC);
    }

    [Fact]
    public void Checker_FlagsAContainerThatBreaksTheRules()
    {
        var bad = new V1Container
        {
            Name = "bad",
            Ports = [new V1ContainerPort { ContainerPort = 80, HostPort = 80 }],
            SecurityContext = new V1SecurityContext { Capabilities = new V1Capabilities { Add = ["NET_ADMIN"] }, RunAsUser = 0 },
        };

        Assert.Equal(
            ["allowPrivilegeEscalation must be false", "capabilities.drop must contain ALL", "capability NET_ADMIN added",
             "hostPort 80", "runAsNonRoot must be true", "runAsUser must not be 0", "seccompProfile must be RuntimeDefault or Localhost"],
            Violations(bad).Order(StringComparer.Ordinal));
    }

    private static List<string> Violations(V1Container container)
    {
        var violations = new List<string>();
        var sc = container.SecurityContext ?? new V1SecurityContext();

        // Baseline.
        if (sc.Privileged == true)
        {
            violations.Add("privileged");
        }

        if (sc.WindowsOptions?.HostProcess == true)
        {
            violations.Add("hostProcess");
        }

        violations.AddRange((container.Ports ?? []).Where(p => p.HostPort is > 0).Select(p => $"hostPort {p.HostPort}"));
        if (sc.SeLinuxOptions is { } se && (!s_seLinuxTypes.Contains(se.Type ?? "") || se.User is not null || se.Role is not null))
        {
            violations.Add("seLinuxOptions");
        }

        if (sc.ProcMount is not (null or "Default"))
        {
            violations.Add("procMount");
        }

        if (sc.AppArmorProfile?.Type is "Unconfined")
        {
            violations.Add("appArmorProfile");
        }

        // Restricted.
        if (sc.AllowPrivilegeEscalation != false)
        {
            violations.Add("allowPrivilegeEscalation must be false");
        }

        if (sc.RunAsNonRoot != true)
        {
            violations.Add("runAsNonRoot must be true");
        }

        if (sc.RunAsUser == 0)
        {
            violations.Add("runAsUser must not be 0");
        }

        if (sc.SeccompProfile?.Type is not ("RuntimeDefault" or "Localhost"))
        {
            violations.Add("seccompProfile must be RuntimeDefault or Localhost");
        }

        if (sc.Capabilities?.Drop?.Contains("ALL") != true)
        {
            violations.Add("capabilities.drop must contain ALL");
        }

        violations.AddRange((sc.Capabilities?.Add ?? []).Where(c => c != "NET_BIND_SERVICE").Select(c => $"capability {c} added"));
        return violations;
    }

    private static string VolumeType(V1Volume volume) => volume switch
    {
        { EmptyDir: not null } => "emptyDir",
        { Secret: not null } => "secret",
        { ConfigMap: not null } => "configMap",
        { Projected: not null } => "projected",
        { DownwardAPI: not null } => "downwardAPI",
        { PersistentVolumeClaim: not null } => "persistentVolumeClaim",
        { Csi: not null } => "csi",
        { Ephemeral: not null } => "ephemeral",
        _ => "other",
    };

    private static V1Pod Inject(bool nativeSidecar)
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = "orders-1", Annotations = new Dictionary<string, string> { [SidecarAnnotations.Inject] = "true" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "orders", Image = "orders:1" }] },
        };
        return new PodMutator(TestOptions.Injector(nativeSidecar)).Mutate(pod, new PodMutationContext("shop")).Pod!;
    }
}
