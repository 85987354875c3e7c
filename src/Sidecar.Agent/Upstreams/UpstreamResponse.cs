using System.Globalization;
using System.Net;
using System.Text;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// An upstream's answer: status, body (at most the configured size; valid until the client's next call), content type,
/// and its <c>X-Resource-Revision</c>. Its text form never holds the body: Polly's telemetry logs every result, and a
/// 12 MB list printed twice per call raised the agent's RSS to 7x idle.
/// </summary>
internal sealed record UpstreamResponse(HttpStatusCode Status, ReadOnlyMemory<byte> Body, string? Revision, string? ContentType = null)
{
    private const int MaxExcerptBytes = 300;

    public bool IsOk => Status == HttpStatusCode.OK;

    /// <summary>The start of the body as text (at most 300 bytes), for error messages.</summary>
    public string Excerpt() =>
        Body.Length <= MaxExcerptBytes
            ? Encoding.UTF8.GetString(Body.Span)
            : string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetString(Body.Span[..MaxExcerptBytes])} …({Body.Length} bytes)");

    /// <summary>True for a Service-Center error body with this code (e.g. 400017 instance does not exist).</summary>
    public bool IsError(int errorCode) =>
        (int)Status >= 400 && Body.Span.IndexOf(Encoding.UTF8.GetBytes($"\"errorCode\":\"{errorCode}\"")) >= 0;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"UpstreamResponse {{ Status = {(int)Status}, Body = {Body.Length} bytes, ContentType = {ContentType}, Revision = {Revision} }}");
}
