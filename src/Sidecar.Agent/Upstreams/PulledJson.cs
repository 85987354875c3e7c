using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sidecar.Contracts;
using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Reads a pulled list (<c>{"services":[...]}</c>, <c>{"instances":[...]}</c>) element by element with
/// <see cref="Utf8JsonReader"/> over the bounded body: the elements are counted before any is decoded, so a list over
/// its count limit allocates nothing; then each element is decoded and checked as the local API would (spec 1.5). Anything else (HTML, invalid JSON, wrong types,
/// nulls, invalid or over-long fields, too many elements) throws an <see cref="UpstreamException"/> naming the
/// problem: the pull fails and changes nothing.
/// </summary>
internal static class PulledJson
{
    private const int MaxDetail = 300;

    /// <summary>The services of a service list, every one with a valid serviceId and fields.</summary>
    public static List<MicroService> Services(UpstreamResponse answer, string what, int limit) =>
        Read(answer, what, "services", limit, $"more than {limit} services (Service-Center's service quota per tenant)", SidecarJsonContext.Default.MicroService, (service, index) =>
        {
            if (string.IsNullOrEmpty(service.ServiceId))
            {
                return $"service {index} has no serviceId";
            }

            return Problem(ServiceValidator.Validate(ServiceValidator.Normalize(service)))
                ?? NullInside(service.Schemas, "schemas") ?? NullInside(service.Paths, "paths") ?? NullInside(service.Providers, "providers")
                ?? NullInside(service.Properties, "properties") ?? NullInside(service.LBStrategy, "LBStrategy");
        });

    /// <summary>
    /// The instances of one service, every one with a valid instanceId and fields; at most <paramref name="remaining"/>,
    /// what is left of the pull's <paramref name="total"/>.
    /// </summary>
    public static List<MicroServiceInstance> Instances(UpstreamResponse answer, string what, string serviceId, int remaining, int total) =>
        Read(answer, what, "instances", remaining, $"more than {total} instances in this pull (Service-Center's instance quota per tenant)", SidecarJsonContext.Default.MicroServiceInstance, (instance, index) =>
        {
            if (string.IsNullOrEmpty(instance.InstanceId))
            {
                return $"instance {index} has no instanceId";
            }

            return Problem(InstanceValidator.Validate(instance with { ServiceId = serviceId }))
                ?? NullInside(instance.Endpoints, "endpoints") ?? NullInside(instance.Properties, "properties");
        });

    private static List<T> Read<T>(UpstreamResponse answer, string what, string member, int limit, string tooMany, JsonTypeInfo<T> type, Func<T, int, string?> check)
        where T : class
    {
        var items = new List<T>();
        try
        {
            var reader = new Utf8JsonReader(answer.Body.Span, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed(answer, what, "the answer is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Go's encoding/json matches member names case-insensitively, as the contracts do.
                var name = reader.GetString();
                reader.Read();
                if (!string.Equals(name, member, StringComparison.OrdinalIgnoreCase) || reader.TokenType == JsonTokenType.Null)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Malformed(answer, what, $"'{member}' is a {reader.TokenType}, not an array");
                }

                // Count first (a copy of the reader skips each element without allocating), so that a list over the
                // limit costs no objects at all.
                var counter = reader;
                for (var count = 0; counter.Read() && counter.TokenType != JsonTokenType.EndArray; count++)
                {
                    if (count == limit)
                    {
                        throw new UpstreamException($"{what}: {tooMany}; the pull is refused", transient: false);
                    }

                    counter.Skip();
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Malformed(answer, what, $"{member}[{items.Count}] is a {reader.TokenType}, not an object");
                    }

                    var item = JsonSerializer.Deserialize(ref reader, type)!;
                    if (check(item, items.Count) is { } problem)
                    {
                        throw Malformed(answer, what, $"{member}[{items.Count}]: {problem}");
                    }

                    items.Add(item);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Malformed(answer, what, "the answer does not end after its JSON object");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // The reader and the contracts' converters throw these for invalid JSON, wrong types and invalid UTF-8.
            throw Malformed(answer, what, ex.Message);
        }

        return items;
    }

    private static string? Problem(ScError? error) => error is null ? null : Shorten(error.Detail ?? error.ErrorMessage);

    private static string? NullInside<T>(IReadOnlyList<T?>? list, string field)
        where T : class =>
        list?.Contains(default) == true ? $"'{field}' holds a null" : null;

    private static string? NullInside(IReadOnlyDictionary<string, string>? map, string field) =>
        map?.Values.Any(v => v is null) == true ? $"'{field}' holds a null value" : null;

    private static UpstreamException Malformed(UpstreamResponse answer, string what, string problem) =>
        new($"{what}: not a valid Service-Center answer (content type {answer.ContentType ?? "none"}, {answer.Body.Length} bytes): {Shorten(problem)}", transient: false);

    /// <summary>Keeps a message readable in <c>/v1/sources</c> and the log when it quotes an over-long value.</summary>
    private static string Shorten(string text) =>
        text.Length <= MaxDetail ? text : string.Concat(text.AsSpan(0, MaxDetail / 2), $" …({text.Length - MaxDetail} characters)… ", text.AsSpan(text.Length - (MaxDetail / 2)));
}
