using Sidecar.Registry;

namespace Sidecar.Agent.Upstreams;

/// <summary>A service as pulled from an upstream; <see cref="Instances"/> is null when the upstream answered 304 (unchanged).</summary>
internal sealed record PulledService(MicroService Service, IReadOnlyList<MicroServiceInstance>? Instances);
