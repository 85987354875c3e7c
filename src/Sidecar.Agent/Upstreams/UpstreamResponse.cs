using System.Net;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// An upstream's answer: status, body (at most the configured size; valid until the client's next call), content type,
/// and its <c>X-Resource-Revision</c>.
/// </summary>
internal sealed record UpstreamResponse(HttpStatusCode Status, ReadOnlyMemory<byte> Body, string? Revision, string? ContentType = null)
{
    public bool IsOk => Status == HttpStatusCode.OK;

    /// <summary>The body as text, for error messages.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Body.Span);

    /// <summary>True for a Service-Center error body with this code (e.g. 400017 instance does not exist).</summary>
    public bool IsError(int errorCode) =>
        (int)Status >= 400 && Text.Contains($"\"errorCode\":\"{errorCode}\"", StringComparison.Ordinal);
}
