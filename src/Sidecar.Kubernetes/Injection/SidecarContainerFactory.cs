using System.Globalization;
using k8s.Models;

namespace Sidecar.Kubernetes.Injection;

/// <summary>Builds the <c>sidecar</c> container for one pod (spec/kubernetes.md section 2).</summary>
internal static class SidecarContainerFactory
{
    private const string Listen = "127.0.0.1:30100";

    public static V1Container Create(InjectorOptions options, PodIdentity identity, SidecarResources resources)
    {
        var container = new V1Container
        {
            Name = SidecarDefaults.ContainerName,
            Image = resources.Image,
            ImagePullPolicy = options.ImagePullPolicy,
            Args =
            [
                "agent",
                // The app API stays on localhost; kubelet probes reach only the health paths on the second listener.
                "--listen", Listen,
                "--health-listen", $"0.0.0.0:{SidecarDefaults.HealthPort}",
                "--data-dir", SidecarDefaults.DataDir,
                "--node-name", "$(POD_NAME)",
                // TODO(issue 4, gossip): add "--gossip-bind 0.0.0.0:7946" and "--gossip-advertise $(POD_IP):7946" once the
                // agent implements gossip; today it refuses those flags and the pod would crash-loop.
            ],
            Env = CreateEnv(options, identity),
            Ports =
            [
                new V1ContainerPort { Name = "sidecar-health", ContainerPort = SidecarDefaults.HealthPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "gossip-tcp", ContainerPort = SidecarDefaults.GossipPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "gossip-udp", ContainerPort = SidecarDefaults.GossipPort, Protocol = "UDP" },
            ],
            ReadinessProbe = HttpProbe(SidecarDefaults.ReadyPath, periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = HttpProbe(SidecarDefaults.LivePath, periodSeconds: 10, failureThreshold: 3),
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>
                {
                    ["cpu"] = new(resources.CpuRequest),
                    ["memory"] = new(resources.MemoryRequest),
                },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(resources.MemoryLimit) },
            },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = SidecarDefaults.RunAsUser,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = [new V1VolumeMount { Name = SidecarDefaults.DataVolumeName, MountPath = SidecarDefaults.DataDir }],
        };

        if (options.NativeSidecar)
        {
            // A native sidecar starts before the app and, with a startup probe, the app waits until the registry answers.
            container.RestartPolicy = "Always";
            container.StartupProbe = HttpProbe(SidecarDefaults.ReadyPath, periodSeconds: 1, failureThreshold: 60);
        }

        return container;
    }

    private static List<V1EnvVar> CreateEnv(InjectorOptions options, PodIdentity identity)
    {
        List<V1EnvVar> env =
        [
            FieldRef("POD_NAME", "metadata.name"),
            FieldRef("POD_NAMESPACE", "metadata.namespace"),
            FieldRef("POD_IP", "status.podIP"),
            FieldRef("POD_UID", "metadata.uid"),
            FieldRef("NODE_NAME", "spec.nodeName"),
            Env("SIDECAR_APP_ID", identity.AppId),
            Env("SIDECAR_SERVICE_NAME", identity.ServiceName),
            Env("SIDECAR_VERSION", identity.Version),
            Env("SIDECAR_ENVIRONMENT", identity.Environment),
        ];
        if (identity.AppPort is { } port)
        {
            env.Add(Env("SIDECAR_APP_PORT", port.ToString(CultureInfo.InvariantCulture)));
        }

        env.Add(Env("SIDECAR_APP_PROTOCOL", identity.AppProtocol));
        // Per pod, before the cluster settings so that the annotation wins over the cluster's SIDECAR_LOG_*.
        if (identity.LogLevel is { } level)
        {
            env.Add(Env("SIDECAR_LOG_LEVEL", level));
        }

        if (identity.LogFormat is { } format)
        {
            env.Add(Env("SIDECAR_LOG_FORMAT", format));
        }
        // TODO(issue 4, gossip): put back SIDECAR_GOSSIP_KEY from the Secret options.GossipKeySecretName (key
        // SidecarDefaults.GossipKeySecretKey) once the agent implements gossip; today the agent refuses it.

        var taken = env.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in options.ClusterSettings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!SidecarDefaults.SettingsTheAgentRefuses.Contains(name) && taken.Add(name))
            {
                env.Add(Env(name, value));
            }
        }

        return env;
    }

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar FieldRef(string name, string fieldPath) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = fieldPath } },
    };

    private static V1Probe HttpProbe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = SidecarDefaults.HealthPort },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
    };
}
