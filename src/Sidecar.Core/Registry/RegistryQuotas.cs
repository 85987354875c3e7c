namespace Sidecar.Registry;

/// <summary>
/// Limits on what the local API may create, with Service-Center's defaults (<c>etc/conf/app.yaml quota.cap</c>).
/// A write over a limit answers 400100 "Not enough quota" and changes nothing.
/// </summary>
/// <remarks>
/// Counts cover every record of the tenant in the replica, whatever its source (this agent, peers, remote clusters),
/// as Service-Center counts its whole registry: one app cannot grow every agent of the fleet without bound.
/// </remarks>
public sealed record RegistryQuotas
{
    public const int DefaultServices = 50_000;
    public const int DefaultInstances = 150_000;
    public const int DefaultSchemas = 100;
    public const int DefaultTags = 100;

    public static RegistryQuotas Default { get; } = new();

    /// <summary>Services per tenant (domain/project).</summary>
    /// <value>Default 50,000 (<c>--quota-services</c>).</value>
    public int ServicesPerTenant { get; init; } = DefaultServices;

    /// <summary>Instances per tenant (domain/project).</summary>
    /// <value>Default 150,000 (<c>--quota-instances</c>).</value>
    public int InstancesPerTenant { get; init; } = DefaultInstances;

    /// <summary>Schemas per service.</summary>
    /// <value>Default 100 (<c>--quota-schemas</c>).</value>
    public int SchemasPerService { get; init; } = DefaultSchemas;

    /// <summary>Tags per service.</summary>
    /// <value>Default 100 (<c>--quota-tags</c>).</value>
    public int TagsPerService { get; init; } = DefaultTags;
}
