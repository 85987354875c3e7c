using System.Net.Sockets;

namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Probes the app port: a TCP connect, or <c>GET http://host:port/path</c> when a health path is configured
/// (any 2xx or 3xx answer is healthy). Each probe is bounded by <see cref="AutoRegistrationOptions.ProbeTimeout"/>.
/// </summary>
internal sealed class AppProbe(AutoRegistrationOptions options) : IAppProbe, IDisposable
{
    private readonly AutoRegistrationOptions _options = options;
    private readonly HttpClient? _http = options.HealthPath is null ? null : new HttpClient(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        try
        {
            if (_http is null)
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(_options.ProbeHost, _options.AppPort, timeout.Token);
                return true;
            }

            var host = _options.ProbeHost.Contains(':', StringComparison.Ordinal) ? $"[{_options.ProbeHost}]" : _options.ProbeHost;
            using var response = await _http.GetAsync(new Uri($"http://{host}:{_options.AppPort}{_options.HealthPath}"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is SocketException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    public void Dispose() => _http?.Dispose();
}
