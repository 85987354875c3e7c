using Sidecar.Agent.AutoRegistration;

namespace Microsoft.Extensions.DependencyInjection;

internal static class AutoRegistrationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pod's app when <c>SIDECAR_APP_PORT</c> is set (spec/kubernetes.md section 3); otherwise adds nothing.
    /// </summary>
    /// <exception cref="Sidecar.Agent.Hosting.OptionException">A <c>SIDECAR_APP_*</c> or <c>POD_*</c> variable is malformed.</exception>
    public static IServiceCollection AddSidecarAutoRegistration(this IServiceCollection services, Func<string, string?> environment)
    {
        if (AutoRegistrationEnvironment.Read(environment) is not { } options || services.Any(s => s.ServiceType == typeof(AutoRegistrar)))
        {
            return services;
        }

        services.AddSingleton(options);
        services.AddSingleton<AppProbe>();
        services.AddSingleton<IAppProbe>(sp => sp.GetRequiredService<AppProbe>());
        services.AddSingleton<AutoRegistrar>();
        services.AddSingleton<AutoRegistrationHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<AutoRegistrationHostedService>());
        // Unregistering and draining happen inside the host's shutdown timeout.
        services.Configure<HostOptions>(host =>
        {
            var needed = options.DrainDelay + TimeSpan.FromSeconds(10);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        return services;
    }
}
