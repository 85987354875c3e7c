namespace Sidecar.Kubernetes.Manifests;

/// <summary>
/// Splits a multi-document YAML stream at <c>---</c> lines, keeping each document's text byte for byte so that
/// documents the injector does not change pass through unchanged.
/// </summary>
internal static class YamlDocumentSplitter
{
    public static IReadOnlyList<string> Split(string yaml)
    {
        var documents = new List<string>();
        var current = new System.Text.StringBuilder();
        var sawSeparator = false;
        foreach (var line in yaml.ReplaceLineEndings("\n").Split('\n'))
        {
            if (IsSeparator(line))
            {
                if (sawSeparator || current.ToString().Trim().Length > 0)
                {
                    documents.Add(current.ToString());
                }

                current.Clear();
                sawSeparator = true;
                continue;
            }

            current.Append(line).Append('\n');
        }

        var last = current.ToString();
        if (last.Trim().Length > 0)
        {
            documents.Add(last.TrimEnd('\n') + "\n");
        }

        return documents;
    }

    /// <summary>Joins documents with <c>---</c> separators.</summary>
    public static string Join(IEnumerable<string> documents) =>
        string.Join("---\n", documents.Select(d => d.EndsWith('\n') ? d : d + "\n"));

    private static bool IsSeparator(string line) =>
        line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || char.IsWhiteSpace(line[3]));
}
