namespace Sidecar.Registry;

/// <summary>Service-Center's partition: domain (header <c>X-Domain-Name</c>) and project (path segment).</summary>
public readonly record struct Tenant(string Domain, string Project)
{
    public static Tenant Default { get; } = new("default", "default");

    public override string ToString() => Domain + "/" + Project;
}
