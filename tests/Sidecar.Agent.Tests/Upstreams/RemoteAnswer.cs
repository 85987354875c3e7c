namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>What the remote answers to a pull.</summary>
public enum RemoteAnswer
{
    Valid,
    EndlessBody,
    HugeList,
    OverLongServiceId,
    OverLongInstanceId,
    WrongTypes,
    Nulls,
    Html,
    InvalidJson,
    TooManyInstances,
    TooManySchemas,
}
