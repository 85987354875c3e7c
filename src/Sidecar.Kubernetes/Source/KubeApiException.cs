using System.Net;

namespace Sidecar.Kubernetes.Source;

/// <summary>The API server answered an error (HTTP status, or a watch ERROR event carrying a Status).</summary>
internal sealed class KubeApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>410 Gone: the resourceVersion is older than the server's history; only a full relist helps.</summary>
    public bool IsGone => Status == HttpStatusCode.Gone;

    public bool IsForbidden => Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
}
