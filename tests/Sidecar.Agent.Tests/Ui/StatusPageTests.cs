using System.Net;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Ui;

/// <summary><c>/ui</c> over plain HTTP: the embedded files, their headers, and the browser guard in front of them.</summary>
public sealed class StatusPageTests : IAsyncLifetime
{
    private AgentServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/ui", "index.html", "text/html")]
    [InlineData("/ui/", "index.html", "text/html")]
    [InlineData("/ui/app.js", "app.js", "text/javascript")]
    [InlineData("/ui/style.css", "style.css", "text/css")]
    public async Task Get_ServesTheEmbeddedFile_WithTypeAndCacheHeaders(string path, string resource, string mediaType)
    {
        using var response = await _server.Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(Embedded(resource), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.True(response.Headers.CacheControl?.NoCache, "revalidated on every load, so a new agent version's files are used");
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Contains("connect-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_ReferencesOnlyItsOwnFiles()
    {
        var html = await _server.GetTextAsync("/ui");

        Assert.Contains("src=\"/ui/app.js\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/ui/style.css\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithTheETag_Answers304WithoutBody()
    {
        using var first = await _server.Client.GetAsync("/ui/app.js", Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var response = await _server.Client.SendAsync(again, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Head_AnswersHeadersOnly()
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ui"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Embedded("index.html").Length, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("/ui/missing.js")]
    [InlineData("/ui/..%2Fsidecar.dll")]
    [InlineData("/ui/app.js/x")]
    public async Task Get_UnknownFile_Answers404(string path)
    {
        using var response = await _server.Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Post_IsNotAllowed()
    {
        using var response = await _server.Client.PostAsync("/ui", Json("{}"), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("rebound.example")]
    [InlineData("10.1.2.3:30100")]
    public async Task Get_ForeignHost_IsRefusedByTheBrowserGuard(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui");
        request.Headers.Host = host;
        using var response = await _server.Client.SendAsync(request, Ct);

        await ScAssert.ErrorAsync(response, ErrorCode.Forbidden);
    }

    private static byte[] Embedded(string name)
    {
        using var stream = typeof(AgentHost).Assembly.GetManifestResourceStream("ui/" + name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Header(HttpResponseMessage response, string name) => string.Join(",", response.Headers.GetValues(name));
}
