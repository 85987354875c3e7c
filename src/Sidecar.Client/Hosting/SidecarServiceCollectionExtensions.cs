using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Sidecar.Client;
using Sidecar.Client.Agent;
using Sidecar.Client.Discovery;
using Sidecar.Client.Registration;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the Sidecar service endpoint provider and the Sidecar registration of the app.</summary>
public static class SidecarServiceCollectionExtensions
{
    /// <summary>
    /// Resolves service names (<c>http://Server</c>, <c>https+http://Server</c>, <c>http://_highway.Server</c>) to the UP
    /// instances the local Sidecar agent knows, following changes through the agent's blocking query. Names are matched
    /// ignoring case, the exact name first (URIs lower-case host names).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; defaults come from <c>SIDECAR_HTTP_ADDRESS</c>, <c>SIDECAR_APP_ID</c> and <c>SIDECAR_ENVIRONMENT</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSidecarServiceEndpointProvider(this IServiceCollection services, Action<SidecarServiceEndpointProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddServiceDiscoveryCore();
        AddAgentClient(services);
        services.AddOptionsWithValidateOnStart<SidecarServiceEndpointProviderOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SidecarServiceEndpointProviderOptions>, SidecarServiceEndpointProviderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, SidecarServiceEndpointProviderFactory>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>
    /// Registers the app (service and instance) with the local Sidecar agent while the host runs: heartbeats keep the
    /// instance's lease, and stopping the host unregisters it. For apps that the injector did not start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets at least <see cref="SidecarRegistrationOptions.ServiceName"/> and <see cref="SidecarRegistrationOptions.Endpoints"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSidecarRegistration(this IServiceCollection services, Action<SidecarRegistrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddLogging();
        AddAgentClient(services);
        services.AddOptionsWithValidateOnStart<SidecarRegistrationOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SidecarRegistrationOptions>, SidecarRegistrationOptionsValidator>());
        services.TryAddSingleton(sp => new SidecarRegistrar(
            sp.GetRequiredService<IOptions<SidecarRegistrationOptions>>().Value,
            sp.GetRequiredService<SidecarAgentClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SidecarRegistrar>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SidecarRegistrationHostedService>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    private static void AddAgentClient(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SidecarAgentClient>(_ => new SidecarAgentClient());
    }
}
