namespace Sidecar.Agent.AutoRegistration;

/// <summary>Whether the app answers right now.</summary>
internal interface IAppProbe
{
    Task<bool> ProbeAsync(CancellationToken cancellationToken);
}
