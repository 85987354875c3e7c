using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>
/// Golden files under TestData. Set UPDATE_GOLDEN=1 to rewrite them from the current output (then review the diff).
/// </summary>
internal static class Golden
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    public static void AssertJson(string relative, JsonNode actual)
    {
        var normalized = JsonNormalizer.Normalize(actual);
        Update(relative, normalized);
        Assert.Equal(JsonNormalizer.Normalize(JsonNode.Parse(Read(relative))), normalized);
    }

    public static void AssertText(string relative, string actual)
    {
        Update(relative, actual);
        Assert.Equal(Read(relative).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    private static void Update(string relative, string content, [CallerFilePath] string thisFile = "")
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") != "1")
        {
            return;
        }

        var source = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", "TestData", relative);
        File.WriteAllText(source, content);
        File.WriteAllText(Path(relative), content);
    }
}
