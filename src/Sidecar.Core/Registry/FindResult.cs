using System.Collections.Immutable;
using Sidecar.Replication;

namespace Sidecar.Registry;

/// <summary>The outcome of a find: the matching services, their instance list as bytes, and its revision.</summary>
public readonly record struct FindResult(NameKey Provider, ImmutableArray<ServiceView> Services, byte[] Body, string Revision, long Index, ImmutableArray<string> Sources)
{
    /// <summary>The consumer that asked, when it should be recorded as depending on the provider.</summary>
    public ServiceRef? NewDependency { get; init; }
}
