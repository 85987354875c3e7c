namespace Sidecar.Agent.Hosting;

/// <summary>Whether the agent may take traffic: replica loaded and listener up.</summary>
internal sealed class Readiness
{
    private volatile string? _notReady = "starting";

    public bool IsReady => _notReady is null;

    public string Reason => _notReady ?? "";

    public void MarkReady() => _notReady = null;
}
