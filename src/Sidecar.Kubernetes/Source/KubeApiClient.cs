using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Authentication;

namespace Sidecar.Kubernetes.Source;

/// <summary>
/// List and watch over plain <see cref="HttpClient"/>. KubernetesClient only reads the configuration (kubeconfig or
/// the pod's service account: server, CA, token or client certificate); objects are read with source-generated
/// System.Text.Json (<see cref="KubeJsonContext"/>), so nothing here needs reflection (Native AOT).
/// </summary>
internal sealed class KubeApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ITokenProvider? _tokens;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly TimeSpan _requestTimeout;

    public KubeApiClient(KubernetesClientConfiguration config, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(config);
        Server = new Uri(config.Host.TrimEnd('/') + "/");
        _requestTimeout = requestTimeout;
        _tokens = config.TokenProvider;
        _auth = config.AccessToken is { Length: > 0 } token ? new AuthenticationHeaderValue("Bearer", token)
            : config.Username is { Length: > 0 } user ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + config.Password)))
            : null;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1), AutomaticDecompression = DecompressionMethods.All };
        if (config.SkipTlsVerify)
        {
#pragma warning disable CA5359 // The kubeconfig asks for it explicitly (insecure-skip-tls-verify), as kubectl honours it.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, authorities);
        }

        if (ClientCertificate(config) is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        // Watches stay open for minutes; list requests get their own timeout.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Server { get; }

    /// <summary>The configuration: the kubeconfig file if given, else in-cluster; null with the reason when neither exists.</summary>
    public static KubernetesClientConfiguration? LoadConfig(string? kubeconfigPath, out string? reason)
    {
        reason = null;
        if (kubeconfigPath is not null)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        }

        if (!KubernetesClientConfiguration.IsInCluster())
        {
            reason = "not running in a Kubernetes pod (no service account) and no --kubeconfig given";
            return null;
        }

        return KubernetesClientConfiguration.InClusterConfig();
    }

    /// <summary>One page of a list.</summary>
    /// <exception cref="KubeApiException">The server answered an error status.</exception>
    public async Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? ns, string? continueToken, int limit, JsonTypeInfo<KubeList<T>> type, CancellationToken cancellationToken)
    {
        var query = $"?limit={limit}" + (continueToken is null ? "" : "&continue=" + Uri.EscapeDataString(continueToken));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        using var response = await SendAsync(resource.Path(ns) + query, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        return await JsonSerializer.DeserializeAsync(body, type, timeout.Token) ?? throw new JsonException("empty list answer");
    }

    /// <summary>Opens a watch from <paramref name="resourceVersion"/> with bookmarks; the caller reads and disposes the stream.</summary>
    /// <exception cref="KubeApiException">The server answered an error status (410 Gone: relist).</exception>
    public Task<HttpResponseMessage> WatchAsync(KubeResource resource, string? ns, string resourceVersion, CancellationToken cancellationToken) =>
        SendAsync($"{resource.Path(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}", cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, pathAndQuery.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = _tokens is not null ? await _tokens.GetAuthenticationHeaderAsync(cancellationToken) : _auth;
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var message = TryStatus(text)?.Message ?? text;
            throw new KubeApiException(response.StatusCode, $"GET {request.RequestUri!.AbsolutePath} answered {(int)response.StatusCode}: {message}");
        }
    }

    private static KubeStatus? TryStatus(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, KubeJsonContext.Default.KubeStatus);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The kubeconfig's client certificate and key (inline base64 PEM or files), if any.</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificate = config.ClientCertificateData is { Length: > 0 } data ? Pem(data) : config.ClientCertificateFilePath is { Length: > 0 } certFile ? File.ReadAllText(certFile) : null;
        var key = config.ClientCertificateKeyData is { Length: > 0 } keyData ? Pem(keyData) : config.ClientKeyFilePath is { Length: > 0 } keyFile ? File.ReadAllText(keyFile) : null;
        if (certificate is null || key is null)
        {
            return null;
        }

        // Linux's TLS stack needs the key in an exportable form, not the ephemeral one CreateFromPem gives.
        using var ephemeral = X509Certificate2.CreateFromPem(certificate, key);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        static string Pem(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
    }

    /// <summary>The server's certificate must chain to one of the kubeconfig's (or service account's) CAs.</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }
}
