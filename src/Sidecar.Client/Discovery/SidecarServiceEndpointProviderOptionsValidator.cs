using Microsoft.Extensions.Options;

namespace Sidecar.Client.Discovery;

/// <summary>Checked when the host starts (ValidateOnStart); messages name the setting and its environment variable.</summary>
internal sealed class SidecarServiceEndpointProviderOptionsValidator : IValidateOptions<SidecarServiceEndpointProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, SidecarServiceEndpointProviderOptions options)
    {
        var failures = new List<string>();
        if (AgentAddressError(options.AgentAddress) is { } address)
        {
            failures.Add(address);
        }

        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add($"AppId is empty: set it, or {SidecarClientDefaults.AppIdVariable}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static string? AgentAddressError(Uri? address) => address is { IsAbsoluteUri: true, Scheme: "http" or "https" }
        ? null
        : $"AgentAddress must be an absolute http(s) URI such as {SidecarClientDefaults.AgentAddress}: set it, or {SidecarClientDefaults.AgentAddressVariable} (now '{SidecarClientDefaults.Variable(SidecarClientDefaults.AgentAddressVariable)}').";
}
