using System.Text.Json.Nodes;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Injection;

public sealed class JsonPatchBuilderTests
{
    [Theory]
    [InlineData("""{"a":{"x/y":1,"t~":2}}""", """{"a":{"x/y":3}}""", """[{"op":"remove","path":"/a/t~0"},{"op":"replace","path":"/a/x~1y","value":3}]""")]
    [InlineData("""{"l":[1,2]}""", """{"l":[1,2,3,4]}""", """[{"op":"add","path":"/l/-","value":3},{"op":"add","path":"/l/-","value":4}]""")]
    [InlineData("""{"l":[2,3]}""", """{"l":[1,2,3]}""", """[{"op":"add","path":"/l/0","value":1}]""")]
    [InlineData("""{"l":[1,3]}""", """{"l":[1,2,3]}""", """[{"op":"add","path":"/l/1","value":2}]""")]
    [InlineData("""{"l":[1,2,3]}""", """{"l":[9]}""", """[{"op":"replace","path":"/l","value":[9]}]""")]
    [InlineData("""{"m":{}}""", """{"m":{},"n":{"k":"v"}}""", """[{"op":"add","path":"/n","value":{"k":"v"}}]""")]
    [InlineData("""{"a":1}""", """{"a":1}""", "[]")]
    public void Create_Diff_MinimalPatch(string before, string after, string expected)
    {
        var patch = JsonPatchBuilder.Create(JsonNode.Parse(before), JsonNode.Parse(after));

        Assert.Equal(expected, patch.ToJsonString());
    }

    [Theory]
    [InlineData("""{"a":[{"n":1},{"n":2}],"b":"x"}""", """{"a":[{"n":0},{"n":1},{"n":2,"m":[1]}],"c":null}""")]
    [InlineData("""{"spec":{"containers":[{"name":"a","env":[]}]}}""", """{"spec":{"initContainers":[{"name":"s"}],"containers":[{"name":"s2"},{"name":"a","env":[{"name":"E"}]}]}}""")]
    public void Create_AppliedByIndependentImplementation_GivesAfter(string before, string after)
    {
        var patch = JsonPatchBuilder.Create(JsonNode.Parse(before), JsonNode.Parse(after));

        var applied = JsonPatchApplier.Apply(JsonNode.Parse(before)!, patch.ToJsonString());

        Assert.Equal(JsonNormalizer.Normalize(JsonNode.Parse(after)), JsonNormalizer.Normalize(applied));
    }
}
