using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Polly;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// HTTP to one upstream through its resilience pipeline. Several URLs are tried in turn: a failed attempt moves on to
/// the next URL, and the one that worked last is tried first. Sends <c>X-Domain-Name: default</c> and, when set, the
/// bearer token; trusts the configured CA for https. A body is read while streaming and at most
/// <see cref="MaxResponseBytes"/> of it: a larger answer fails (not retried). Calls must not overlap (each syncer and
/// the mirror use their own client, one call at a time): an answer's body is valid until the next call.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    private readonly UpstreamEndpoint _endpoint;
    private readonly ResiliencePipeline _pipeline;
    private readonly HttpClient _http;
    private readonly BoundedBody _body;
    private int _current;

    public UpstreamClient(UpstreamEndpoint endpoint, ResiliencePipeline pipeline, HttpMessageHandler? handler = null, long maxResponseBytes = UpstreamDefaults.MaxResponseBytes)
    {
        _endpoint = endpoint;
        _body = new BoundedBody(maxResponseBytes);
        _pipeline = pipeline;
        _http = new HttpClient(handler ?? CreateHandler(endpoint), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public UpstreamEndpoint Endpoint => _endpoint;

    public long MaxResponseBytes => _body.Limit;

    /// <summary>Sends a request; 2xx, 304 and 4xx come back as answers, transport errors/5xx/429 throw after the retries.</summary>
    public async Task<UpstreamResponse> SendAsync(HttpMethod method, string pathAndQuery, byte[]? jsonBody, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token =>
        {
            var index = Volatile.Read(ref _current);
            var baseUrl = _endpoint.Urls[index % _endpoint.Urls.Count];
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(baseUrl, pathAndQuery));
                request.Headers.TryAddWithoutValidation("X-Domain-Name", "default");
                if (_endpoint.Token is { } bearer)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                }

                if (jsonBody is not null)
                {
                    request.Content = new ByteArrayContent(jsonBody);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }

                // Headers first: the body is read by BoundedBody, which stops at the limit.
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    throw new UpstreamException($"{baseUrl} answered {(int)response.StatusCode}", transient: true);
                }

                var body = await _body.ReadAsync(response.Content, $"{method} {pathAndQuery}", token);

                var revision = response.Headers.TryGetValues("X-Resource-Revision", out var values) ? values.FirstOrDefault() : null;
                return new UpstreamResponse(response.StatusCode, body, revision, response.Content.Headers.ContentType?.MediaType);
            }
            catch (Exception ex) when (ex is HttpRequestException or UpstreamException or OperationCanceledException)
            {
                // The next attempt (or the next pull) starts with the next URL.
                Interlocked.CompareExchange(ref _current, index + 1, index);
                throw;
            }
        }, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static SocketsHttpHandler CreateHandler(UpstreamEndpoint endpoint)
    {
        // Every body is read to its end, except one over the size limit: its connection is closed at once rather than
        // drained (the default drain kept reading an endless body at full speed for 2 s, about 2 GB on loopback).
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
        };
        if (endpoint.CaFile is { } caFile)
        {
            var ca = X509Certificate2.CreateFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 presented && TrustedBy(ca, presented, errors);
        }

        return handler;
    }

    /// <summary>Host name must match; the chain must end in the configured CA.</summary>
    private static bool TrustedBy(X509Certificate2 ca, X509Certificate2 presented, SslPolicyErrors errors)
    {
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
