using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>Indented JSON with object members sorted by name (array order kept), so equal documents compare equal as text.</summary>
internal static class JsonNormalizer
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static string Normalize(JsonNode? node) => Sort(node)?.ToJsonString(s_indented) + "\n";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };
}
