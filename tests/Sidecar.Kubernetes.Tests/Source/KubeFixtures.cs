using System.Text.Json;
using System.Text.Json.Nodes;
using Sidecar.Kubernetes.Source;

namespace Sidecar.Kubernetes.Tests.Source;

/// <summary>The kubectl-style fixtures under TestData/KubeSource (<c>kubectl get -o json</c> Lists of real objects).</summary>
internal static class KubeFixtures
{
    public static readonly string[] Resources = ["services", "endpointslices", "pods", "nodes"];

    public static string Text(string resource) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "KubeSource", resource + ".json"));

    public static JsonArray Items(string resource) => JsonNode.Parse(Text(resource))!["items"]!.AsArray();

    /// <summary>Every fixture loaded into a state through the source's own (source-generated) deserialization.</summary>
    public static ClusterState State()
    {
        var state = new ClusterState(4);
        state.Replace("services", null, JsonSerializer.Deserialize(Text("services"), KubeJsonContext.Default.KubeListKubeService)!.Items!);
        state.Replace("endpointslices", null, JsonSerializer.Deserialize(Text("endpointslices"), KubeJsonContext.Default.KubeListKubeEndpointSlice)!.Items!);
        state.Replace("pods", null, JsonSerializer.Deserialize(Text("pods"), KubeJsonContext.Default.KubeListKubePod)!.Items!);
        state.Replace("nodes", null, JsonSerializer.Deserialize(Text("nodes"), KubeJsonContext.Default.KubeListKubeNode)!.Items!);
        return state;
    }

    public static T Parse<T>(JsonNode node)
        where T : class =>
        (T)JsonSerializer.Deserialize(node.ToJsonString(), typeof(T), KubeJsonContext.Default)!;

    public static JsonObject Find(string resource, string ns, string name) =>
        Items(resource).Select(i => i!.AsObject()).Single(i => (string?)i["metadata"]!["namespace"] == ns && (string?)i["metadata"]!["name"] == name).DeepClone().AsObject();
}
