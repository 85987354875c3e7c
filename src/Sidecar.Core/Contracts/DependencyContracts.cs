using Sidecar.Registry;

namespace Sidecar.Contracts;

// Answers of S10: GET .../microservices/{consumerId}/providers and .../{providerId}/consumers.

public sealed record ProvidersResponse(IReadOnlyList<MicroService>? Providers);

public sealed record ConsumersResponse(IReadOnlyList<MicroService>? Consumers);
