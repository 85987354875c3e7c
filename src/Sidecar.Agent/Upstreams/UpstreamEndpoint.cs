namespace Sidecar.Agent.Upstreams;

/// <summary>One remote Service-Center (or agent): its name, the URLs tried in turn, and how to authenticate to it.</summary>
/// <param name="Name">The cluster name from <c>--clusters</c>; its records have source <c>sc:&lt;name&gt;</c>.</param>
/// <param name="Urls">Base URLs of the same Service-Center, tried in turn when one fails.</param>
/// <param name="Token">Service-Center RBAC token sent as <c>Authorization: Bearer</c>; none when null.</param>
/// <param name="CaFile">PEM file of the CA that signs the upstream's TLS certificate; the system store when null.</param>
internal sealed record UpstreamEndpoint(string Name, IReadOnlyList<Uri> Urls, string? Token = null, string? CaFile = null)
{
    /// <summary>The source id of what is pulled from this upstream.</summary>
    public string Source => "sc:" + Name;
}
