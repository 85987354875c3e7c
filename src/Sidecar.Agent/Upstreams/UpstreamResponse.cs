using System.Net;

namespace Sidecar.Agent.Upstreams;

/// <summary>An upstream's answer: status, body, and its <c>X-Resource-Revision</c> when it sent one.</summary>
internal sealed record UpstreamResponse(HttpStatusCode Status, byte[] Body, string? Revision)
{
    public bool IsOk => Status == HttpStatusCode.OK;

    /// <summary>True for a Service-Center error body with this code (e.g. 400017 instance does not exist).</summary>
    public bool IsError(int errorCode) =>
        (int)Status >= 400 && System.Text.Encoding.UTF8.GetString(Body).Contains($"\"errorCode\":\"{errorCode}\"", StringComparison.Ordinal);
}
