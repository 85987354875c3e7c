using Microsoft.Extensions.Options;
using Sidecar.Client.Discovery;

namespace Sidecar.Client.Registration;

/// <summary>Checked when the host starts; messages name the setting and its environment variable.</summary>
internal sealed class SidecarRegistrationOptionsValidator : IValidateOptions<SidecarRegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, SidecarRegistrationOptions options)
    {
        var failures = new List<string>();
        if (SidecarServiceEndpointProviderOptionsValidator.AgentAddressError(options.AgentAddress) is { } address)
        {
            failures.Add(address);
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"ServiceName is not set: set it, or {SidecarClientDefaults.ServiceNameVariable}.");
        }

        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add($"AppId is empty: set it, or {SidecarClientDefaults.AppIdVariable}.");
        }

        if (string.IsNullOrWhiteSpace(options.Version))
        {
            failures.Add($"Version is empty: set it, or {SidecarClientDefaults.VersionVariable}.");
        }

        if (options.Endpoints.Count == 0 || options.Endpoints.Any(e => !Uri.TryCreate(e, UriKind.Absolute, out _)))
        {
            failures.Add("Endpoints must hold at least one URI such as rest://10.0.0.5:8080 (the address peers call).");
        }

        if (options.HeartbeatInterval < TimeSpan.FromSeconds(5))
        {
            failures.Add("HeartbeatInterval must be at least 5 seconds (Service-Center's lower bound).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
