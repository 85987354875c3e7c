using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sidecar.Registry;

/// <summary>The ids Service-Center assigns when a client does not supply its own.</summary>
public static class ServiceIds
{
    /// <summary>
    /// The serviceId Service-Center derives with its default <c>uuid.kind: context</c>: the lowercase hex SHA-1 of the
    /// index key <c>/cse-sr/ms/indexes/{domain}/{project}/{environment}/{appId}/{serviceName}/{version}</c>.
    /// </summary>
    /// <remarks>
    /// Every Service-Center computes the same id for the same service, which is what lets registries be merged.
    /// SHA-1 is used for that compatibility, not for security.
    /// </remarks>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "The id must equal Service-Center's SHA-1; it is an identifier, not a security boundary.")]
    public static string ForService(string domain, string project, string? environment, string appId, string serviceName, string version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(serviceName);
        ArgumentNullException.ThrowIfNull(version);

        var key = $"/cse-sr/ms/indexes/{domain}/{project}/{environment}/{appId}/{serviceName}/{version}";
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>A new instanceId: a random UUID as 32 lowercase hex digits without dashes, as Service-Center makes it.</summary>
    public static string NewInstanceId() => Guid.NewGuid().ToString("N");
}
