namespace Sidecar.Agent.Hosting;

/// <summary>Whether the agent may take traffic: replica loaded and listener up, and not shutting down.</summary>
internal sealed class Readiness
{
    private volatile string? _notReady = "starting";

    public bool IsReady => _notReady is null;

    public string Reason => _notReady ?? "";

    public void MarkReady() => _notReady = null;

    /// <summary>From SIGTERM on: load balancers stop sending while the agent drains.</summary>
    public void MarkStopping() => _notReady = "shutting down";
}
