using k8s;
using k8s.Models;

namespace Sidecar.Kubernetes.Tests.Manifests;

/// <summary>Every object of manifests/ (copied next to the tests), parsed strictly with KubernetesClient's typed models.</summary>
internal sealed class ManifestSet
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "manifests");

    private ManifestSet(IReadOnlyList<(string File, object Object)> objects) => Objects = objects;

    public IReadOnlyList<(string File, object Object)> Objects { get; }

    public static IEnumerable<string> ObjectFiles() =>
        Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

    public static ManifestSet Load() =>
        new(ObjectFiles().SelectMany(f => TypedYaml.LoadAll(File.ReadAllText(f), strict: true).Select(o => (f, o))).ToList());

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Object).OfType<T>();

    public T Single<T>(string name)
        where T : IMetadata<V1ObjectMeta> => All<T>().Single(o => o.Metadata.Name == name);
}
