using System.Collections.Concurrent;

namespace Sidecar.Client.Tests;

/// <summary>Records every request the client sends to the agent, to tell blocking queries from polls.</summary>
internal sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }
}
