using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>A provider a consumer may read (list, I2), and the consumer to record as depending on it when that is new.</summary>
public readonly record struct ProviderRead(ServiceView Provider, ServiceRef? NewDependency);
