using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Sidecar.Cli;
using Sidecar.Kubernetes.Cli;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Injection;
using YamlDotNet.RepresentationModel;

namespace Sidecar.Kubernetes.Tests.Manifests;

public sealed class ManifestTests
{
    private readonly Lazy<ManifestSet> _lazy = new(ManifestSet.Load);

    private ManifestSet Manifests => _lazy.Value;

    public static TheoryData<string> Files() => new(ManifestSet.ObjectFiles().Select(f => Path.GetRelativePath(ManifestSet.Root, f)));

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryDocument_ParsesStrictlyAsTypedModel(string file)
    {
        var objects = TypedYaml.LoadAll(File.ReadAllText(Path.Combine(ManifestSet.Root, file)), strict: true);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
    }

    [Fact]
    public void StrictParsing_UnknownField_Throws()
    {
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectorr: {a: b}\n";

        Assert.ThrowsAny<Exception>(() => TypedYaml.LoadAll(yaml, strict: true));
    }

    [Fact]
    public void Kustomizations_ListEveryObjectFileExactlyOnce()
    {
        var listed = Directory.EnumerateFiles(ManifestSet.Root, "kustomization.yaml", SearchOption.AllDirectories)
            .SelectMany(k =>
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(File.ReadAllText(k)));
                var resources = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];
                return resources.Select(r => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(k)!, ((YamlScalarNode)r).Value!)));
            })
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(ManifestSet.ObjectFiles().Select(Path.GetFullPath).ToList(), listed);
    }

    [Fact]
    public void InjectorService_SelectsInjectorPodsAndTargetsItsPort()
    {
        var deployment = Manifests.Single<V1Deployment>("sidecar-injector");
        var service = Manifests.Single<V1Service>("sidecar-injector");

        Assert.Equal(deployment.Metadata.NamespaceProperty, service.Metadata.NamespaceProperty);
        AssertSelects(service.Spec.Selector, deployment.Spec.Template.Metadata.Labels);
        AssertSelects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Contains(container.Ports, p => p.Name == port.TargetPort.Value || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == port.TargetPort.Value);
    }

    [Fact]
    public void Webhook_PointsAtInjectorServiceAndFollowsTheSpec()
    {
        var service = Manifests.Single<V1Service>("sidecar-injector");
        var configuration = Manifests.Single<V1MutatingWebhookConfiguration>(SidecarDefaults.WebhookConfigurationName);

        var webhook = Assert.Single(configuration.Webhooks);
        var target = webhook.ClientConfig.Service;
        Assert.Equal(service.Metadata.Name, target.Name);
        Assert.Equal(service.Metadata.NamespaceProperty, target.NamespaceProperty);
        Assert.Equal(InjectorEndpointRouteBuilderExtensions.InjectPath, target.Path);
        Assert.Contains(service.Spec.Ports, p => p.Port == (target.Port ?? 443));
        Assert.Contains(webhook.FailurePolicy, new[] { "Ignore", "Fail" });
        Assert.Equal("None", webhook.SideEffects);
        Assert.Equal(["v1"], webhook.AdmissionReviewVersions);
        Assert.Equal("IfNeeded", webhook.ReinvocationPolicy);
        var rule = Assert.Single(webhook.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["CREATE"], rule.Operations);
        Assert.Equal([""], rule.ApiGroups);
        var excluded = Assert.Single(webhook.NamespaceSelector.MatchExpressions, e => e.Key == "kubernetes.io/metadata.name" && e.OperatorProperty == "NotIn").Values;
        Assert.Contains("kube-system", excluded);
        Assert.Contains(service.Metadata.NamespaceProperty, excluded);
    }

    [Fact]
    public void InjectorDeployment_ArgsAreValidInjectorFlagsMatchingTheManifests()
    {
        var deployment = Manifests.Single<V1Deployment>("sidecar-injector");
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("injector", container.Args[0]);

        var parsed = FlagParser.Parse("injector", InjectorCommand.Description, InjectorCommand.Flags, container.Args.Skip(1).ToList(), TextWriter.Null);

        Assert.Null(parsed.Error);
        var flags = parsed.Values!;
        Assert.Equal(SidecarDefaults.WebhookConfigurationName, flags["webhook-config"]);
        Assert.Equal(Manifests.Single<V1Service>("sidecar-injector").Metadata.Name, flags["service-name"]);
        var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == flags["cluster-config"]);
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        var configMap = Manifests.Single<V1ConfigMap>(volume.ConfigMap.Name);
        Assert.Equal(deployment.Metadata.NamespaceProperty, configMap.Metadata.NamespaceProperty);
        Assert.All(configMap.Data.Keys, k => Assert.Matches("^SIDECAR_[A-Z0-9_]+$", k));
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.True(deployment.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
    }

    [Fact]
    public void PeersService_IsHeadlessAndSelectsInjectedPodsOnGossipPorts()
    {
        var peers = Manifests.Single<V1Service>("sidecar-peers");

        Assert.Equal("None", peers.Spec.ClusterIP);
        Assert.True(peers.Spec.PublishNotReadyAddresses);
        Assert.Equal(new Dictionary<string, string> { [SidecarAnnotations.InjectedLabel] = "true" }, peers.Spec.Selector);
        Assert.Contains(peers.Spec.Ports, p => p.Port == SidecarDefaults.GossipPort && p.Protocol == "TCP");
        Assert.Contains(peers.Spec.Ports, p => p.Port == SidecarDefaults.GossipPort && p.Protocol == "UDP");
        Assert.StartsWith(peers.Metadata.Name + ":", Manifests.Single<V1ConfigMap>("sidecar-cluster").Data["SIDECAR_JOIN"], StringComparison.Ordinal);
    }

    [Fact]
    public void GossipSecret_MatchesWhatInjectedSidecarsReference()
    {
        var secret = Manifests.Single<V1Secret>(SidecarDefaults.GossipKeySecretName);

        Assert.True(secret.StringData.ContainsKey(SidecarDefaults.GossipKeySecretKey));
        Assert.Equal(SidecarDefaults.GossipKeySecretName, new InjectorOptions().GossipKeySecretName);
    }

    [Fact]
    public void InjectorRbac_CoversCaBundlePatchOnItsOwnWebhookConfiguration()
    {
        var deployment = Manifests.Single<V1Deployment>("sidecar-injector");
        var account = deployment.Spec.Template.Spec.ServiceAccountName;
        Assert.NotNull(Manifests.All<V1ServiceAccount>().SingleOrDefault(a => a.Metadata.Name == account && a.Metadata.NamespaceProperty == deployment.Metadata.NamespaceProperty));

        var rules = RulesBoundTo(subject => subject.Kind == "ServiceAccount" && subject.Name == account && subject.NamespaceProperty == deployment.Metadata.NamespaceProperty);

        AssertCovered(rules, CaBundlePatcher.RequiredRule, SidecarDefaults.WebhookConfigurationName);
    }

    [Fact]
    public void InjectorRbac_SecretGetCreateInItsNamespaceOnly()
    {
        var deployment = Manifests.Single<V1Deployment>("sidecar-injector");
        var account = deployment.Spec.Template.Spec.ServiceAccountName;
        var ns = deployment.Metadata.NamespaceProperty;
        var flags = FlagParser.Parse("injector", InjectorCommand.Description, InjectorCommand.Flags, Assert.Single(deployment.Spec.Template.Spec.Containers).Args.Skip(1).ToList(), TextWriter.Null).Values!;

        var rules = Manifests.All<V1RoleBinding>()
            .Where(b => b.Metadata.NamespaceProperty == ns && b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ns))
            .SelectMany(b => Manifests.All<V1Role>().Single(r => r.Metadata.Name == b.RoleRef.Name && r.Metadata.NamespaceProperty == ns).Rules)
            .ToList();

        AssertCovered(rules, CertificateSecretStore.RequiredRule, flags["tls-secret"]);
        Assert.All(rules, r => Assert.Equal(["secrets"], r.Resources));
        Assert.All(rules.Where(r => r.Verbs.Contains("get")), r => Assert.Equal([flags["tls-secret"]], r.ResourceNames));
        Assert.Equal(["create", "get"], rules.SelectMany(r => r.Verbs).Order(StringComparer.Ordinal));
        var clusterRules = RulesBoundTo(s => s.Kind == "ServiceAccount" && s.Name == account);
        Assert.DoesNotContain(clusterRules, r => r.Resources.Contains("secrets"));
    }

    [Fact]
    public void Injector_TwoReplicasWithADisruptionBudget()
    {
        var deployment = Manifests.Single<V1Deployment>("sidecar-injector");
        var budget = Manifests.Single<V1PodDisruptionBudget>("sidecar-injector");

        Assert.True(deployment.Spec.Replicas >= 2);
        Assert.Equal(deployment.Metadata.NamespaceProperty, budget.Metadata.NamespaceProperty);
        AssertSelects(budget.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
    }

    [Fact]
    public void AgentRbac_CoversWhatTheKubernetesSourceReads()
    {
        var rules = RulesBoundTo(AgentSubject);

        Assert.All(RbacRule.AgentRules, required => AssertCovered(rules, required, resourceName: null));
        Assert.Contains(RbacRule.AgentRules, r => r is { ApiGroup: "discovery.k8s.io", Resource: "endpointslices" });
    }

    [Fact]
    public void AgentRbac_GrantsListAndWatchOnTheFourKindsAndNothingElse()
    {
        var rules = RulesBoundTo(AgentSubject);

        var granted = rules.SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{g}/{res}:{v}")))).Order().ToList();
        Assert.Equal(RbacRule.AgentRules.SelectMany(r => r.Verbs.Select(v => $"{r.ApiGroup}/{r.Resource}:{v}")).Order().ToList(), granted);
        Assert.Equal(["/nodes:list", "/nodes:watch", "/pods:list", "/pods:watch", "/services:list", "/services:watch",
            "discovery.k8s.io/endpointslices:list", "discovery.k8s.io/endpointslices:watch"], granted);
    }

    [Fact]
    public void AgentRbac_BoundToApplicationNamespacesOnlyNeverToEveryServiceAccount()
    {
        var subjects = Manifests.All<V1ClusterRoleBinding>().Where(b => b.RoleRef.Name == "sidecar-agent").SelectMany(b => b.Subjects).ToList();

        Assert.NotEmpty(subjects);
        Assert.All(subjects, s => Assert.Matches("^system:serviceaccounts:[a-z0-9-]+$", s.Name));
        Assert.DoesNotContain(Manifests.All<V1ClusterRoleBinding>().SelectMany(b => b.Subjects), s => s.Name is "system:serviceaccounts" or "system:authenticated");
    }

    [Fact]
    public void Webhook_OptInNamespaceLabelSelects()
    {
        var webhook = Assert.Single(Manifests.Single<V1MutatingWebhookConfiguration>(SidecarDefaults.WebhookConfigurationName).Webhooks);

        Assert.Equal(new Dictionary<string, string> { ["sidecar.servicecomb.io/injection"] = "enabled" }, webhook.NamespaceSelector.MatchLabels);
    }

    [Fact]
    public void ClusterConfigMap_HoldsNoSecretsAndIsAcceptedByTheInjector()
    {
        var configMap = Manifests.Single<V1ConfigMap>("sidecar-cluster");

        Assert.Null(ClusterSettingsPolicy.Check(configMap.Data.AsReadOnly()));
    }

    [Fact]
    public void UpstreamSecret_KeysAreTheTokensInjectedSidecarsReference()
    {
        var secret = Manifests.Single<V1Secret>(SidecarDefaults.UpstreamSecretName);
        var referenced = UpstreamTokens.EnvNames(new Dictionary<string, string>
        {
            ["SIDECAR_CLUSTERS"] = "sc2=http://sc2:30100",
            ["SIDECAR_REGISTRY_UPSTREAM"] = "http://sc1:30100",
        });

        Assert.Equal(referenced.Order(StringComparer.Ordinal), secret.StringData.Keys.Order(StringComparer.Ordinal));
    }

    private static bool AgentSubject(Rbacv1Subject subject) => subject.Kind == "Group" && subject.Name.StartsWith("system:serviceaccounts:", StringComparison.Ordinal);

    private List<V1PolicyRule> RulesBoundTo(Func<Rbacv1Subject, bool> subject) =>
        Manifests.All<V1ClusterRoleBinding>()
            .Where(b => b.Subjects.Any(subject))
            .SelectMany(b => Manifests.Single<V1ClusterRole>(b.RoleRef.Name).Rules)
            .ToList();

    private static void AssertCovered(List<V1PolicyRule> rules, RbacRule required, string? resourceName)
    {
        foreach (var verb in required.Verbs)
        {
            Assert.True(
                rules.Any(r => r.ApiGroups.Contains(required.ApiGroup) && r.Resources.Contains(required.Resource) && r.Verbs.Contains(verb)
                    && (r.ResourceNames is null || r.ResourceNames.Count == 0 || (resourceName is not null && r.ResourceNames.Contains(resourceName)))),
                $"no rule grants {verb} on {required.Resource} ({required.ApiGroup})");
        }
    }

    private static void AssertSelects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        Assert.All(selector, pair => Assert.Equal(pair.Value, Assert.Contains(pair.Key, labels)));
}
