using System.Globalization;
using k8s.Models;

namespace Sidecar.Kubernetes.Injection;

/// <summary>Builds the <c>sidecar</c> container for one pod (spec/kubernetes.md section 2).</summary>
internal static class SidecarContainerFactory
{
    private const string Listen = "127.0.0.1:30100";

    // gossip: whether the agent gossips (the default; off with the pod annotation gossip: "false" or an empty --gossip-key-secret).
    public static V1Container Create(InjectorOptions options, PodIdentity identity, SidecarResources resources, bool gossip)
    {
        var container = new V1Container
        {
            Name = SidecarDefaults.ContainerName,
            Image = resources.Image,
            ImagePullPolicy = options.ImagePullPolicy,
            Args = CreateArgs(options, gossip),
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
                // Set on the container so it meets the restricted Pod Security Standard whatever the app's pod sets.
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            VolumeMounts = [new V1VolumeMount { Name = SidecarDefaults.DataVolumeName, MountPath = SidecarDefaults.DataDir }],
        };

        if (gossip)
        {
            container.VolumeMounts.Add(new V1VolumeMount { Name = SidecarDefaults.GossipKeyVolumeName, MountPath = SidecarDefaults.GossipKeyDir, ReadOnlyProperty = true });
        }

        if (options.NativeSidecar)
        {
            // A native sidecar starts before the app and, with a startup probe, the app waits until the registry answers.
            container.RestartPolicy = "Always";
            container.StartupProbe = HttpProbe(SidecarDefaults.ReadyPath, periodSeconds: 1, failureThreshold: 60);
        }

        return container;
    }

    private static List<string> CreateArgs(InjectorOptions options, bool gossip)
    {
        List<string> args =
        [
            "agent",
            // The app API stays on localhost; kubelet probes and the preStop drain reach only the health listener.
            "--listen", Listen,
            "--health-listen", $"0.0.0.0:{SidecarDefaults.HealthPort}",
            "--data-dir", SidecarDefaults.DataDir,
            "--node-name", "$(POD_NAME)",
        ];
        if (gossip)
        {
            // The key is a mounted file: never a literal in the pod spec, never in the process list.
            var join = options.ClusterSettings.TryGetValue(ClusterSettingsPolicy.JoinSetting, out var seeds) && !string.IsNullOrWhiteSpace(seeds)
                ? seeds.Trim()
                : SidecarDefaults.Join;
            args.AddRange(
            [
                "--gossip-bind", $"0.0.0.0:{SidecarDefaults.GossipPort}",
                "--gossip-advertise", $"$(POD_IP):{SidecarDefaults.GossipPort}",
                "--join", join,
                "--gossip-key-file", $"{SidecarDefaults.GossipKeyDir}/{SidecarDefaults.GossipKeySecretKey}",
            ]);
        }

        return args;
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

        var taken = env.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in options.ClusterSettings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name != ClusterSettingsPolicy.JoinSetting && taken.Add(name))
            {
                env.Add(Env(name, value));
            }
        }

        if (!string.IsNullOrEmpty(options.UpstreamSecretName))
        {
            // Optional: a missing Secret or key means "no token", not a pod that cannot start.
            foreach (var token in UpstreamTokens.EnvNames(options.ClusterSettings).Where(taken.Add))
            {
                env.Add(new V1EnvVar
                {
                    Name = token,
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = options.UpstreamSecretName, Key = token, Optional = true } },
                });
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
