using System.Text.Json.Serialization;
using Sidecar.Registry;

namespace Sidecar.Contracts;

// Request and response envelopes of the Service-Center v4 instance endpoints (I1-I11).

public sealed record RegisterInstanceRequest
{
    public MicroServiceInstance? Instance { get; init; }
}

public sealed record InstanceIdResponse(string InstanceId);

public sealed record InstancesResponse(IReadOnlyList<MicroServiceInstance>? Instances);

public sealed record InstanceResponse(MicroServiceInstance Instance);

public sealed record InstanceKey
{
    public string? ServiceId { get; init; }
    public string? InstanceId { get; init; }
}

public sealed record HeartbeatSetRequest
{
    public List<InstanceKey>? Instances { get; init; }
}

public sealed record HeartbeatResult(string ServiceId, string InstanceId, string? ErrMessage);

public sealed record HeartbeatSetResponse(IReadOnlyList<HeartbeatResult> Instances);

public sealed record StatusMatches
{
    public Dictionary<string, string>? Properties { get; init; }
}

public sealed record UpdateStatusByPropertiesRequest
{
    public StatusMatches? Matches { get; init; }
    public string? Status { get; init; }
}

public sealed record BatchFindServiceItem
{
    public MicroServiceKey? Service { get; init; }
    public string? Rev { get; init; }
}

public sealed record BatchFindInstanceItem
{
    public InstanceKey? Instance { get; init; }
    public string? Rev { get; init; }
}

public sealed record BatchFindRequest
{
    public List<BatchFindServiceItem>? Services { get; init; }
    public List<BatchFindInstanceItem>? Instances { get; init; }
}

public sealed record BatchFindUpdated([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int Index, string Rev, IReadOnlyList<MicroServiceInstance>? Instances);

public sealed record BatchFindFailed(IReadOnlyList<int> Indexes, ScError Error);

public sealed record BatchFindResult
{
    public IReadOnlyList<BatchFindUpdated>? Updated { get; init; }
    public IReadOnlyList<int>? NotModified { get; init; }
    public IReadOnlyList<BatchFindFailed>? Failed { get; init; }
}

public sealed record BatchFindResponse(BatchFindResult? Services, BatchFindResult? Instances);

public sealed record WatchEvent(string Action, MicroServiceKey Key, MicroServiceInstance Instance);
