using System.Globalization;
using System.Text.Json.Nodes;

namespace Sidecar.Kubernetes.Injection;

/// <summary>
/// Computes an RFC 6902 JSON Patch that turns one JSON document into another. Objects are diffed per member and
/// arrays per element, recognising insertions (so adding an entry at the front of <c>initContainers</c> is one
/// <c>add</c>, not a replace of the whole list): the patch touches only what changed, and fields of the original
/// object that our models do not know survive it.
/// </summary>
internal static class JsonPatchBuilder
{
    public static JsonArray Create(JsonNode? before, JsonNode? after)
    {
        var operations = new JsonArray();
        Diff(before, after, "", operations);
        return operations;
    }

    /// <summary>Escapes one path segment (RFC 6901): <c>~</c> as <c>~0</c>, <c>/</c> as <c>~1</c>.</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static void Diff(JsonNode? before, JsonNode? after, string path, JsonArray operations)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }

        switch (before, after)
        {
            case (JsonObject b, JsonObject a):
                DiffObject(b, a, path, operations);
                break;
            case (JsonArray b, JsonArray a):
                DiffArray(b, a, path, operations);
                break;
            default:
                operations.Add(Operation("replace", path, after));
                break;
        }
    }

    private static void DiffObject(JsonObject before, JsonObject after, string path, JsonArray operations)
    {
        foreach (var (name, value) in before)
        {
            if (!after.ContainsKey(name))
            {
                operations.Add(Operation("remove", path + "/" + Escape(name), null, withValue: false));
            }
        }

        foreach (var (name, value) in after)
        {
            var memberPath = path + "/" + Escape(name);
            if (before.TryGetPropertyValue(name, out var old))
            {
                Diff(old, value, memberPath, operations);
            }
            else
            {
                operations.Add(Operation("add", memberPath, value));
            }
        }
    }

    private static void DiffArray(JsonArray before, JsonArray after, string path, JsonArray operations)
    {
        var prefix = 0;
        while (prefix < before.Count && prefix < after.Count && JsonNode.DeepEquals(before[prefix], after[prefix]))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < before.Count - prefix && suffix < after.Count - prefix
            && JsonNode.DeepEquals(before[before.Count - 1 - suffix], after[after.Count - 1 - suffix]))
        {
            suffix++;
        }

        if (after.Count > before.Count && prefix + suffix == before.Count)
        {
            // A pure insertion at one place: add the new elements in order.
            for (var i = prefix; i < after.Count - suffix; i++)
            {
                var target = suffix == 0 && prefix == before.Count ? "-" : i.ToString(CultureInfo.InvariantCulture);
                operations.Add(Operation("add", path + "/" + target, after[i]));
            }
        }
        else if (after.Count == before.Count)
        {
            for (var i = 0; i < after.Count; i++)
            {
                Diff(before[i], after[i], path + "/" + i.ToString(CultureInfo.InvariantCulture), operations);
            }
        }
        else
        {
            operations.Add(Operation("replace", path, after));
        }
    }

    // JsonNode, not JsonObject: with a JsonObject, callers would bind JsonArray.Add<T>, which needs reflection
    // (RequiresDynamicCode); Add(JsonNode) does not.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "See above: the base type keeps JsonArray.Add reflection-free.")]
    private static JsonNode Operation(string op, string path, JsonNode? value, bool withValue = true)
    {
        var operation = new JsonObject { ["op"] = op, ["path"] = path };
        if (withValue)
        {
            operation["value"] = value?.DeepClone();
        }

        return operation;
    }
}
