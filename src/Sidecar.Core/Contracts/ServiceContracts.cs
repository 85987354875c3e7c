using System.Text.Json;
using Sidecar.Registry;

namespace Sidecar.Contracts;

// Request and response envelopes of the Service-Center v4 service endpoints (S1-S9).
// Kept together because each is a one-line record; the JSON names are Service-Center's.

public sealed record CreateServiceRequest
{
    public MicroService? Service { get; init; }
    public Dictionary<string, string>? Tags { get; init; }
    public List<MicroServiceInstance>? Instances { get; init; }
    public JsonElement? Rules { get; init; }
}

public sealed record ServiceIdResponse(string ServiceId);

public sealed record SchemaExistenceResponse(string ServiceId, string SchemaId);

public sealed record ServicesResponse(IReadOnlyList<MicroService>? Services);

public sealed record ServiceResponse(MicroService Service);

public sealed record PropertiesRequest
{
    public Dictionary<string, string>? Properties { get; init; }
}

public sealed record DeleteServicesRequest
{
    public List<string>? ServiceIds { get; init; }
    public bool Force { get; init; }
}

public sealed record DeleteServiceResult(string ServiceId, string? ErrMessage);

public sealed record DeleteServicesResponse(IReadOnlyList<DeleteServiceResult> Services);

public sealed record TagsBody
{
    public Dictionary<string, string>? Tags { get; init; }
}

public sealed record SchemaBody
{
    public string? SchemaId { get; init; }
    public string? Summary { get; init; }
    public string? Schema { get; init; }
}

public sealed record SchemasBody
{
    public List<SchemaBody>? Schemas { get; init; }
}
