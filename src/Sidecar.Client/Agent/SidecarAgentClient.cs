using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Sidecar.Client.Agent;

/// <summary>
/// The HTTP calls to the local agent: the compact lookup (plain and blocking) and the Service-Center v4 registration
/// calls. One per container; it owns its HttpClient so the app's HttpClient defaults (e.g. service discovery) never
/// apply to calls to the agent itself.
/// </summary>
internal sealed class SidecarAgentClient : IDisposable
{
    public const string IndexHeader = "X-Sidecar-Index";
    private const string Registry = "v4/default/registry/";

    /// <summary>Time allowed beyond the blocking wait before a query counts as failed.</summary>
    private static readonly TimeSpan s_blockingGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    public SidecarAgentClient()
        : this(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    /// <summary>With a given handler (tests count the requests).</summary>
    public SidecarAgentClient(HttpMessageHandler handler) =>
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// The instances of <paramref name="serviceName"/>, matched ignoring case (exact name first). With
    /// <paramref name="index"/> the agent holds the request until the answer's index differs or <paramref name="wait"/> passes.
    /// </summary>
    public async Task<AgentInstancesResponse> GetInstancesAsync(Uri agent, string serviceName, string appId, string environment, long? index, TimeSpan wait, CancellationToken cancellationToken)
    {
        var query = $"v1/services/{Uri.EscapeDataString(serviceName)}/instances?appId={Uri.EscapeDataString(appId)}&env={Uri.EscapeDataString(environment)}&ignoreCase=true";
        if (index is { } known)
        {
            query += string.Create(CultureInfo.InvariantCulture, $"&index={known}&wait={(long)wait.TotalMilliseconds}ms");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(index is null ? s_requestTimeout : wait + s_blockingGrace);
        using var response = await _http.GetAsync(new Uri(agent, query), timeout.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.AgentInstancesResponse, timeout.Token).ConfigureAwait(false);
        return answer ?? throw new HttpRequestException("the agent answered an empty body");
    }

    public async Task<string> RegisterServiceAsync(Uri agent, ServiceRecord service, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, agent, Registry + "microservices", JsonContent.Create(new CreateServiceRequest(service), ClientJsonContext.Default.CreateServiceRequest), cancellationToken).ConfigureAwait(false);
        var created = await ReadAsync(response, ClientJsonContext.Default.CreateServiceResponse, cancellationToken).ConfigureAwait(false);
        return created.ServiceId;
    }

    public async Task<string> RegisterInstanceAsync(Uri agent, string serviceId, InstanceRecord instance, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, agent, $"{Registry}microservices/{Uri.EscapeDataString(serviceId)}/instances", JsonContent.Create(new CreateInstanceRequest(instance), ClientJsonContext.Default.CreateInstanceRequest), cancellationToken).ConfigureAwait(false);
        var created = await ReadAsync(response, ClientJsonContext.Default.CreateInstanceResponse, cancellationToken).ConfigureAwait(false);
        return created.InstanceId;
    }

    /// <summary>Renews the lease: the status code, so the caller can tell "instance unknown" (4xx) from a transport failure (throws).</summary>
    public async Task<HttpStatusCode> HeartbeatAsync(Uri agent, string serviceId, string instanceId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, agent, InstancePath(serviceId, instanceId) + "/heartbeat", null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    public async Task<HttpStatusCode> UnregisterInstanceAsync(Uri agent, string serviceId, string instanceId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, agent, InstancePath(serviceId, instanceId), null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();

    private static string InstancePath(string serviceId, string instanceId) =>
        $"{Registry}microservices/{Uri.EscapeDataString(serviceId)}/instances/{Uri.EscapeDataString(instanceId)}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri agent, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_requestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(agent, path)) { Content = content };
        return await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"the agent answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException("the agent answered an empty body");
    }
}
