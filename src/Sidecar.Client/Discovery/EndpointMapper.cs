using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client.Agent;

namespace Sidecar.Client.Discovery;

/// <summary>
/// Turns the agent's instances into the URIs a caller may use: UP instances only; Service-Center endpoints such as
/// <c>rest://h:p</c> become <c>http://h:p</c>, or <c>https://h:p</c> with <c>?sslEnabled=true</c>.
/// </summary>
/// <remarks>
/// The endpoint's protocol (its scheme: <c>rest</c>, <c>highway</c>, ...) is what Microsoft.Extensions.ServiceDiscovery
/// calls the endpoint name: <c>http://_highway.Server</c> selects highway endpoints; without a name, <c>rest</c> (and
/// plain http/https) endpoints are used. Only scheme, host and port are kept.
/// </remarks>
internal static class EndpointMapper
{
    private const string DefaultProtocol = "rest";

    public static List<Uri> Map(IReadOnlyList<AgentInstance> instances, string? endpointName)
    {
        var result = new List<Uri>();
        foreach (var instance in instances)
        {
            if (!string.Equals(instance.Status, "UP", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var text in instance.Endpoints ?? [])
            {
                if (TryMap(text, endpointName, out var uri) && !result.Contains(uri))
                {
                    result.Add(uri);
                }
            }
        }

        return result;
    }

    public static bool TryMap(string endpoint, string? endpointName, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) || parsed.Port <= 0 || parsed.Host.Length == 0)
        {
            return false;
        }

        var protocol = parsed.Scheme;
        var wanted = endpointName is null
            ? protocol is DefaultProtocol or "http" or "https"
            : string.Equals(protocol, endpointName, StringComparison.OrdinalIgnoreCase);
        if (!wanted)
        {
            return false;
        }

        var scheme = protocol is "http" or "https" ? protocol : SslEnabled(parsed.Query) ? "https" : "http";
        uri = new UriBuilder(scheme, parsed.Host, parsed.Port).Uri;
        return true;
    }

    /// <summary>Keeps the endpoints of the first scheme of <paramref name="schemes"/> that any endpoint has (as the configuration provider does).</summary>
    public static IEnumerable<Uri> FilterSchemes(List<Uri> endpoints, IReadOnlyList<string> schemes, bool includeAll)
    {
        if (includeAll)
        {
            return endpoints;
        }

        var best = endpoints.Select(e => IndexOf(schemes, e.Scheme)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        return best < 0 ? [] : endpoints.Where(e => IndexOf(schemes, e.Scheme) == best);
    }

    public static ServiceEndpoint ToServiceEndpoint(Uri uri) => ServiceEndpoint.Create(new UriEndPoint(uri));

    private static int IndexOf(IReadOnlyList<string> schemes, string scheme)
    {
        for (var i = 0; i < schemes.Count; i++)
        {
            if (string.Equals(schemes[i], scheme, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool SslEnabled(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (pair[..at], pair[(at + 1)..]) : (pair, "");
            if (string.Equals(key, "sslEnabled", StringComparison.OrdinalIgnoreCase))
            {
                return string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }
}
