using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>One instance a consumer may read (get-one, I3, and batch find by id), and the dependency to record when new.</summary>
public readonly record struct InstanceRead(ServiceView Provider, InstanceView Instance, ServiceRef? NewDependency);
