using Sidecar.Registry;

namespace Sidecar.Kubernetes.Source;

/// <summary>A Kubernetes Service as Service-Center records: the service and its current instances.</summary>
internal sealed record MappedService(MicroService Service, IReadOnlyList<MicroServiceInstance> Instances);

/// <summary>
/// The mapping of the whole watched cluster, keyed by serviceId; <see cref="Notes"/> says what was left out and why
/// (namespace collisions, records the replica would reject), one stable line each so that callers can log it once.
/// </summary>
internal sealed record KubeMapping(IReadOnlyDictionary<string, MappedService> Services, IReadOnlyList<string> Notes);
