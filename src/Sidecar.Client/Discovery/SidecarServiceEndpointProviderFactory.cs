using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client.Agent;

namespace Sidecar.Client.Discovery;

/// <summary>
/// Creates a <see cref="SidecarServiceEndpointProvider"/> for names that can be Service-Center service names; IP
/// addresses, <c>localhost</c> and names with an explicit port are left to the other providers (pass-through).
/// </summary>
internal sealed class SidecarServiceEndpointProviderFactory(
    IOptionsMonitor<SidecarServiceEndpointProviderOptions> options,
    IOptions<ServiceDiscoveryOptions> discoveryOptions,
    SidecarAgentClient agent,
    TimeProvider timeProvider,
    ILogger<SidecarServiceEndpointProvider> logger) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        if (!IsServiceName(query))
        {
            provider = null;
            return false;
        }

        provider = new SidecarServiceEndpointProvider(query, discoveryOptions.Value, options.CurrentValue, agent, timeProvider, logger);
        return true;
    }

    private static bool IsServiceName(ServiceEndpointQuery query)
    {
        var name = query.ServiceName;
        if (name.Length == 0 || IPAddress.TryParse(name.Trim('[', ']'), out _) || string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // "http://server:8080" names a host and port, not a service.
        var text = query.ToString()!;
        var uri = text.Contains("://", StringComparison.Ordinal) ? new Uri(text) : new Uri("fakescheme://" + text);
        return uri.IsDefaultPort || uri.Port <= 0;
    }
}
