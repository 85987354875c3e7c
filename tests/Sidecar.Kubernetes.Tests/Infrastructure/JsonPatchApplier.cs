using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>Applies an RFC 6902 patch with Microsoft.AspNetCore.JsonPatch.SystemTextJson (an independent implementation).</summary>
internal static class JsonPatchApplier
{
    public static JsonNode Apply(JsonNode document, string patchJson)
    {
        var patch = JsonSerializer.Deserialize<JsonPatchDocument>(patchJson) ?? throw new InvalidOperationException("empty patch");
        var target = document.DeepClone();
        var errors = new List<string>();
        patch.ApplyTo(target, error => errors.Add($"{error.Operation.op} {error.Operation.path}: {error.ErrorMessage}"));
        Assert.Empty(errors);
        return target;
    }
}
