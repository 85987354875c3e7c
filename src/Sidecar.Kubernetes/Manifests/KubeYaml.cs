using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using k8s;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Sidecar.Kubernetes.Manifests;

/// <summary>
/// YAML for KubernetesClient's models without reflection (KubernetesClient.Aot keeps its own YAML serializer
/// internal): YAML is turned into JSON guided by the source-generated JSON metadata of the target type (so a plain
/// <c>8080</c> becomes a string where the model wants one, and an unknown field is an error when strict), then read
/// with <see cref="KubernetesJson"/>. Writing goes the other way, with the quoting rules of KubernetesClient's
/// YAML serializer, so the output is the same text it produced.
/// </summary>
internal static partial class KubeYaml
{
    /// <exception cref="InvalidDataException">Not YAML, not one object, or (strict) a field the model does not know.</exception>
    public static T Deserialize<T>(string yaml, bool strict)
    {
        var node = ToJson(LoadSingle(yaml), TypeInfo(typeof(T)), strict, "");
        try
        {
            return KubernetesJson.Deserialize<T>(node?.ToJsonString() ?? "null");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    public static string Serialize<T>(T value)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(value));
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Emit(emitter, json);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static YamlNode LoadSingle(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"invalid YAML: {ex.Message}", ex);
        }

        return stream.Documents.Count == 1 ? stream.Documents[0].RootNode : throw new InvalidDataException($"expected one YAML document, found {stream.Documents.Count}");
    }

    private static JsonTypeInfo? TypeInfo(Type type)
    {
        try
        {
            return SourceGenerationContext.Default.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static JsonNode? ToJson(YamlNode node, JsonTypeInfo? type, bool strict, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                var properties = type?.Kind == JsonTypeInfoKind.Object ? type.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal) : null;
                var valueType = type?.Kind == JsonTypeInfoKind.Dictionary && type.ElementType is { } element ? TypeInfo(element) : null;
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? throw new InvalidDataException($"{path}: a mapping key is not a scalar");
                    JsonTypeInfo? childType = valueType;
                    if (properties is not null)
                    {
                        if (properties.TryGetValue(key, out var property))
                        {
                            childType = TypeInfo(property.PropertyType);
                        }
                        else if (strict)
                        {
                            throw new InvalidDataException($"unknown field {path}.{key}");
                        }
                    }

                    obj[key] = ToJson(valueNode, childType, strict, $"{path}.{key}");
                }

                return obj;
            case YamlSequenceNode sequence:
                var itemType = type?.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } item ? TypeInfo(item) : null;
                var array = new JsonArray();
                var i = 0;
                foreach (var child in sequence.Children)
                {
                    array.Add(ToJson(child, itemType, strict, $"{path}[{i++}]"));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar, type is null ? null : Nullable.GetUnderlyingType(type.Type) ?? type.Type);
            default:
                throw new InvalidDataException($"{path}: unsupported YAML node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar, Type? type)
    {
        var text = scalar.Value ?? "";
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (plain && NullPattern().IsMatch(text))
        {
            return null;
        }

        if (type == typeof(string) || !plain)
        {
            return JsonValue.Create(text);
        }

        if (BoolPattern().IsMatch(text))
        {
            return JsonValue.Create(bool.Parse(text));
        }

        // Numbers stay JSON numbers (int, long, double fields, and IntOrString and quantities, which read both).
        return NumberPattern().IsMatch(text) ? JsonNode.Parse(text.TrimStart('+')) : JsonValue.Create(text);
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Any));
                foreach (var (key, value) in obj)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    emitter.Emit(String(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Any));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                emitter.Emit(String(value.GetValue<string>()));
                break;
            case JsonValue value:
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
            default:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
        }
    }

    /// <summary>KubernetesClient's StringQuotingEmitter: quote what YAML would read as another type, keep newlines literal.</summary>
    private static Scalar String(string value)
    {
        var style = QuotePattern().IsMatch(value) ? ScalarStyle.DoubleQuoted : value.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any;
        return new Scalar(null, null, value, style, true, true);
    }

    [GeneratedRegex(@"^(\~|null|true|false|on|off|yes|no|y|n|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?(\.inf))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuotePattern();

    [GeneratedRegex(@"^(|~|null|Null|NULL)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex(@"^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
