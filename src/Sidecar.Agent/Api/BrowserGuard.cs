using System.Net;
using Microsoft.Net.Http.Headers;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;

namespace Sidecar.Agent.Api;

/// <summary>
/// Keeps web pages out of the loopback API. A page can make the browser send requests to 127.0.0.1:30100 in two ways:
/// through a DNS name it controls that it re-points at 127.0.0.1 (DNS rebinding: the Host header is then that name),
/// and cross-origin "simple" requests, which need no CORS preflight as long as their body is a form, text or has no
/// Content-Type. So the API answers only Host headers that name loopback (<c>localhost</c>, <c>127.x.x.x</c>,
/// <c>[::1]</c>), the <c>--listen</c> address or a host in <c>--allowed-hosts</c> (else 403, code 403001), and reads
/// bodies only with a JSON Content-Type (<c>application/json</c> or <c>application/*+json</c>, charset utf-8 if any;
/// else 400, code 400001). go-chassis and java-chassis send <c>application/json</c> on every request.
/// A request with an <c>Origin</c> header (browsers send one on cross-origin requests and on every websocket
/// upgrade, which no CORS rule guards) is answered only when that origin's host passes the same Host rule, so a page
/// elsewhere cannot read the watch websocket through <c>ws://127.0.0.1:30100</c>. Apps' clients send no Origin.
/// </summary>
/// <remarks>The <c>--health-listen</c> listener is exempt: kubelet probes it through the pod IP with any Host.</remarks>
internal static class BrowserGuard
{
    public static Func<RequestDelegate, RequestDelegate> Create(AgentOptions options)
    {
        var healthPort = options.HealthListen?.Port;
        var anyHost = options.AllowedHosts.Contains("*");
        var allowed = options.AllowedHosts.Select(h => h.Trim('[', ']')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!options.Listen.Address.Equals(IPAddress.Any) && !options.Listen.Address.Equals(IPAddress.IPv6Any))
        {
            allowed.Add(options.Listen.Address.ToString());
        }

        return next => context =>
        {
            if (context.Connection.LocalPort == healthPort)
            {
                return next(context);
            }

            var request = context.Request;
            if (!anyHost && !IsAllowedHost(request.Host, allowed))
            {
                return ScHttp.WriteErrorAsync(context, ScError.Of(ErrorCode.Forbidden,
                    $"Host '{request.Host}' is refused: the agent's API answers loopback names (localhost, 127.0.0.1, [::1]) and its --listen address only, against DNS rebinding; add the name to --allowed-hosts to allow it."));
            }

            if (!anyHost && request.Headers.Origin is [{ } origin, ..] && !IsAllowedOrigin(origin, allowed))
            {
                return ScHttp.WriteErrorAsync(context, ScError.Of(ErrorCode.Forbidden,
                    $"Origin '{origin}' is refused: web pages may call the agent's API only from a loopback origin or a host in --allowed-hosts."));
            }

            if (HasBody(request) && JsonContentTypeError(request.ContentType) is { } contentTypeError)
            {
                return ScHttp.WriteErrorAsync(context, ScError.InvalidParams(contentTypeError));
            }

            return next(context);
        };
    }

    private static bool IsAllowedHost(HostString host, HashSet<string> allowed)
    {
        // HTTP/1.0 may omit Host; browsers always send it, so a request without one is not a page's.
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.Trim('[', ']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.Equals("localhost.", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address))
            || allowed.Contains(name);
    }

    private static bool IsAllowedOrigin(string origin, HashSet<string> allowed) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && IsAllowedHost(new HostString(uri.Authority), allowed);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Null when <paramref name="contentType"/> is JSON in UTF-8; else what to tell the client.</summary>
    private static string? JsonContentTypeError(string? contentType)
    {
        const string Fix = "send the body as JSON with 'Content-Type: application/json' (curl: -H 'Content-Type: application/json')";
        if (string.IsNullOrEmpty(contentType))
        {
            return "request body without Content-Type: " + Fix;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || (media.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && media.SubType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))))
        {
            return $"Content-Type '{contentType}' is not accepted: " + Fix;
        }

        return media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? $"Content-Type '{contentType}': the charset must be utf-8"
            : null;
    }
}
