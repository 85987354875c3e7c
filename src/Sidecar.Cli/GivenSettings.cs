using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sidecar.Cli;

/// <summary>
/// Routes settings a command already parsed (flag > <c>SIDECAR_*</c> env > appsettings, through <see cref="Settings"/>)
/// into <see cref="IOptions{TOptions}"/>, validated when the host starts (<c>ValidateOnStart</c>). No configuration
/// binder: the parsed record is the options instance, so nothing is bound by reflection (Native AOT).
/// </summary>
internal static class GivenSettings
{
    /// <summary>
    /// Registers <paramref name="settings"/> as <see cref="IOptions{TOptions}"/> (and as <typeparamref name="TOptions"/>
    /// itself, for the services that take it directly), checked by <typeparamref name="TValidator"/> at start. Idempotent:
    /// the first registration wins.
    /// </summary>
    public static OptionsBuilder<TOptions> AddGivenSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        this IServiceCollection services, TOptions settings)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton<IOptionsFactory<TOptions>>(sp => new Factory<TOptions>(settings,
            sp.GetServices<IConfigureOptions<TOptions>>(), sp.GetServices<IPostConfigureOptions<TOptions>>(), sp.GetServices<IValidateOptions<TOptions>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        return services.AddOptions<TOptions>().ValidateOnStart();
    }

    /// <summary>The options pipeline (configure, post-configure, validate) over the given instance instead of a new one.</summary>
    private sealed class Factory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        TOptions settings, IEnumerable<IConfigureOptions<TOptions>> setups, IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
        IEnumerable<IValidateOptions<TOptions>> validations)
        : OptionsFactory<TOptions>(setups, postConfigures, validations)
        where TOptions : class
    {
        protected override TOptions CreateInstance(string name) => settings;
    }
}
