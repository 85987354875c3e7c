using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>
/// A simulated Kubernetes API server on Kestrel loopback (port 0) speaking the real wire format for the four kinds the
/// source reads: list with <c>limit</c>/<c>continue</c> and <c>metadata.resourceVersion</c>; <c>watch=true</c> streams of
/// newline-delimited ADDED / MODIFIED / DELETED / BOOKMARK / ERROR events from a resourceVersion; 410 Gone (as an ERROR
/// event, as real servers do for watches, or as an HTTP status) once history is compacted; 403 with a Status body;
/// dropped connections. Counts requests and the watch connections open now (per resource and per bearer token).
/// Single objects: GET by name (404 NotFound) and POST create (201, or 409 AlreadyExists), as the injector's shared
/// certificate Secret needs.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private static readonly Dictionary<string, (string Group, string Kind, bool Namespaced)> s_resources = new(StringComparer.Ordinal)
    {
        ["services"] = ("", "Service", true),
        ["endpointslices"] = ("discovery.k8s.io", "EndpointSlice", true),
        ["pods"] = ("", "Pod", true),
        ["nodes"] = ("", "Node", false),
        ["secrets"] = ("", "Secret", true),
    };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = s_resources.Keys.ToDictionary(k => k, _ => new SortedDictionary<string, JsonObject>(StringComparer.Ordinal), StringComparer.Ordinal);
    private readonly List<(long Rv, string Resource, string Type, JsonObject Object)> _history = [];
    private readonly List<Watch> _watches = [];
    private readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _rv = 1000;
    private long _oldestWatchable;

    public Uri Url { get; private set; } = null!;

    /// <summary>Bearer token the server requires (null: none).</summary>
    public string? RequiredToken { get; init; }

    /// <summary>Answer a too-old watch with HTTP 410 instead of a 200 stream carrying an ERROR 410 event.</summary>
    public bool GoneAsHttpStatus { get; set; }

    /// <summary>Answer every watch with an empty 200 stream that ends at once (as a misconfigured proxy might).</summary>
    public bool EndWatchesAtOnce { get; set; }

    /// <summary>Every request, as <c>METHOD path?query</c>.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>Watch connections open now on one resource (e.g. <c>pods</c>).</summary>
    public int OpenWatchesOf(string resource)
    {
        lock (_lock)
        {
            return _watches.Count(w => w.Resource == resource);
        }
    }

    /// <summary>Watch connections open now, by the bearer token that opened them (one token per agent tells agents apart).</summary>
    public IReadOnlyDictionary<string, int> OpenWatchesByToken()
    {
        lock (_lock)
        {
            return _watches.GroupBy(w => w.Token, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
    }

    /// <summary>List requests answered so far, by bearer token (a relist shows up here).</summary>
    public int ListsBy(string token)
    {
        lock (_lock)
        {
            return _lists.GetValueOrDefault(token);
        }
    }

    public static async Task<FakeApiServer> StartAsync(string? requiredToken = null)
    {
        var server = new FakeApiServer { RequiredToken = requiredToken };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return server;
    }

    /// <summary>A kubeconfig file pointing at this server (token auth), as <c>kubectl config view --raw</c> writes it.</summary>
    public string WriteKubeconfig(string directory, string token = "test-token")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url.ToString().TrimEnd('/')}
            users:
            - name: agent
              user:
                token: {token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: agent
            current-context: fake
            """);
        return path;
    }

    /// <summary>Loads every item of a kubectl-style List fixture (its kind decides the resource) without events.</summary>
    public void Seed(string resource, JsonArray items)
    {
        foreach (var item in items)
        {
            Upsert(resource, item!.DeepClone().AsObject(), "ADDED");
        }
    }

    public long Add(string resource, JsonObject item) => Upsert(resource, item, "ADDED");

    public long Modify(string resource, JsonObject item) => Upsert(resource, item, "MODIFIED");

    public long Delete(string resource, string? ns, string name)
    {
        lock (_lock)
        {
            var removed = _objects[resource][Key(ns, name)];
            _objects[resource].Remove(Key(ns, name));
            var rv = ++_rv;
            var copy = removed.DeepClone().AsObject();
            copy["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            Publish(rv, resource, "DELETED", copy);
            return rv;
        }
    }

    public JsonObject Get(string resource, string? ns, string name)
    {
        lock (_lock)
        {
            return _objects[resource][Key(ns, name)].DeepClone().AsObject();
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion on every open watch.</summary>
    public long Bookmark()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                var bookmark = new JsonObject
                {
                    ["kind"] = s_resources[watch.Resource].Kind,
                    ["apiVersion"] = ApiVersion(watch.Resource),
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture) },
                };
                watch.Channel.Writer.TryWrite(Line("BOOKMARK", bookmark));
            }

            return _rv;
        }
    }

    /// <summary>Forgets the history: watches from any resourceVersion handed out so far get 410 Gone.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            // Lists from now on hand out this version, which stays watchable.
            _oldestWatchable = ++_rv;
            _history.Clear();
        }
    }

    /// <summary>Changes an object without any watch event (as if the event was lost): only a relist shows it.</summary>
    public void ReplaceSilently(string resource, JsonObject item)
    {
        lock (_lock)
        {
            var meta = item["metadata"]!.AsObject();
            meta["resourceVersion"] = (++_rv).ToString(CultureInfo.InvariantCulture);
            _objects[resource][Key((string?)meta["namespace"], (string)meta["name"]!)] = item;
        }
    }

    /// <summary>Aborts every open watch connection (as a restarted API server or a broken proxy would).</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Channel.Writer.TryComplete(new IOException("dropped"));
            }
        }
    }

    /// <summary>Sends a watch ERROR event with the given Status code on every open watch, then ends them (as the API server does).</summary>
    public void SendError(int code, string reason)
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Channel.Writer.TryWrite(Line("ERROR", StatusObject(code, reason, $"simulated {reason}")));
                watch.Channel.Writer.TryComplete();
            }
        }
    }

    public void Forbid(string resource)
    {
        lock (_lock)
        {
            _forbidden.Add(resource);
        }
    }

    public void Allow(string resource)
    {
        lock (_lock)
        {
            _forbidden.Remove(resource);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private long Upsert(string resource, JsonObject item, string type)
    {
        lock (_lock)
        {
            var rv = ++_rv;
            var meta = item["metadata"]!.AsObject();
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            item["kind"] ??= s_resources[resource].Kind;
            item["apiVersion"] ??= ApiVersion(resource);
            _objects[resource][Key((string?)meta["namespace"], (string)meta["name"]!)] = item;
            Publish(rv, resource, type, item.DeepClone().AsObject());
            return rv;
        }
    }

    private void Publish(long rv, string resource, string type, JsonObject item)
    {
        _history.Add((rv, resource, type, item));
        foreach (var watch in _watches.Where(w => w.Resource == resource && Matches(w.Namespace, item)))
        {
            watch.Channel.Writer.TryWrite(Line(type, item));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        lock (_lock)
        {
            _requests.Add(context.Request.Method + " " + path + context.Request.QueryString);
        }

        if (RequiredToken is not null && context.Request.Headers.Authorization != "Bearer " + RequiredToken)
        {
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        if (TryParseObject(path, out var objectResource, out var objectNs, out var objectName))
        {
            await GetObjectAsync(context, objectResource, objectNs, objectName);
            return;
        }

        if (!TryParse(path, out var resource, out var ns))
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({path})");
            return;
        }

        bool forbidden;
        lock (_lock)
        {
            forbidden = _forbidden.Contains(resource);
        }

        var watch = context.Request.Query["watch"] == "true";
        if (forbidden)
        {
            var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
            await WriteStatusAsync(context, 403, "Forbidden",
                $"{resource}{(s_resources[resource].Group.Length > 0 ? "." + s_resources[resource].Group : "")} is forbidden: User \"system:serviceaccount:default:default\" cannot {(watch ? "watch" : "list")} resource \"{resource}\" in API group \"{s_resources[resource].Group}\" {scope}");
            return;
        }

        var token = context.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : "";
        if (HttpMethods.IsPost(context.Request.Method))
        {
            await CreateAsync(context, resource, ns);
        }
        else if (watch)
        {
            await WatchAsync(context, resource, ns, token);
        }
        else
        {
            lock (_lock)
            {
                _lists[token] = _lists.GetValueOrDefault(token) + 1;
            }

            await ListAsync(context, resource, ns);
        }
    }

    private async Task ListAsync(HttpContext context, string resource, string? ns)
    {
        var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var start = int.TryParse(context.Request.Query["continue"], CultureInfo.InvariantCulture, out var c) ? c : 0;
        JsonObject body;
        lock (_lock)
        {
            var all = _objects[resource].Values.Where(o => Matches(ns, o)).ToList();
            var page = all.Skip(start).Take(limit).Select(o => (JsonNode)o.DeepClone()).ToArray();
            var metadata = new JsonObject { ["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture) };
            if (start + page.Length < all.Count)
            {
                metadata["continue"] = (start + page.Length).ToString(CultureInfo.InvariantCulture);
            }

            body = new JsonObject
            {
                ["kind"] = s_resources[resource].Kind + "List",
                ["apiVersion"] = ApiVersion(resource),
                ["metadata"] = metadata,
                ["items"] = new JsonArray(page),
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task WatchAsync(HttpContext context, string resource, string? ns, string token)
    {
        if (EndWatchesAtOnce)
        {
            context.Response.ContentType = "application/json";
            return;
        }

        var from = long.TryParse(context.Request.Query["resourceVersion"], CultureInfo.InvariantCulture, out var rv) ? rv : _rv;
        var watch = new Watch(resource, ns, token, Channel.CreateUnbounded<string>());
        lock (_lock)
        {
            if (from < _oldestWatchable)
            {
                if (GoneAsHttpStatus)
                {
                    watch = null;
                }
                else
                {
                    watch.Channel.Writer.TryWrite(Line("ERROR", StatusObject(410, "Expired", $"too old resource version: {from} ({_oldestWatchable - 1})")));
                    watch.Channel.Writer.TryComplete();
                }
            }
            else
            {
                foreach (var (eventRv, eventResource, type, item) in _history.Where(h => h.Rv > from && h.Resource == resource && Matches(ns, h.Object)))
                {
                    watch.Channel.Writer.TryWrite(Line(type, item));
                }

                _watches.Add(watch);
            }
        }

        if (watch is null)
        {
            await WriteStatusAsync(context, 410, "Expired", $"too old resource version: {from}");
            return;
        }

        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var line in watch.Channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (IOException)
        {
            // Dropped: abort the connection mid-stream rather than ending the chunked body cleanly.
            context.Abort();
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _watches.Remove(watch);
            }
        }
    }

    private async Task GetObjectAsync(HttpContext context, string resource, string ns, string name)
    {
        JsonObject? item;
        lock (_lock)
        {
            item = _objects[resource].TryGetValue(Key(ns, name), out var found) ? found.DeepClone().AsObject() : null;
        }

        if (item is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"{resource} \"{name}\" not found");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(item.ToJsonString());
    }

    private async Task CreateAsync(HttpContext context, string resource, string? ns)
    {
        var item = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var meta = item["metadata"]!.AsObject();
        meta["namespace"] = ns;
        var name = (string)meta["name"]!;
        lock (_lock)
        {
            if (!_objects[resource].ContainsKey(Key(ns, name)))
            {
                Upsert(resource, item, "ADDED");
                item = null;
            }
        }

        if (item is not null)
        {
            await WriteStatusAsync(context, 409, "AlreadyExists", $"{resource} \"{name}\" already exists");
            return;
        }

        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Get(resource, ns, name).ToJsonString());
    }

    private static bool TryParseObject(string path, out string resource, out string ns, out string name)
    {
        (resource, ns, name) = path.Trim('/').Split('/') switch
        {
            ["api", "v1", "namespaces", var n, var res, var obj] => (res, n, obj),
            _ => ("", "", ""),
        };
        return s_resources.TryGetValue(resource, out var info) && info.Namespaced;
    }

    private static bool TryParse(string path, out string resource, out string? ns)
    {
        // /api/v1/{res}, /api/v1/namespaces/{ns}/{res}, /apis/discovery.k8s.io/v1/... likewise.
        var parts = path.Trim('/').Split('/');
        var rest = parts switch
        {
            ["api", "v1", .. var r] => r,
            ["apis", "discovery.k8s.io", "v1", .. var r] => r,
            _ => null,
        };
        (resource, ns) = rest switch
        {
            [var res] => (res, null),
            ["namespaces", var n, var res] => (res, n),
            _ => ("", null),
        };
        return s_resources.TryGetValue(resource, out var info)
            && info.Group == (parts[0] == "apis" ? parts[1] : "")
            && (ns is null || info.Namespaced);
    }

    private static bool Matches(string? ns, JsonObject item) => ns is null || (string?)item["metadata"]?["namespace"] == ns;

    private static string Key(string? ns, string name) => (ns ?? "") + "/" + name;

    private static string ApiVersion(string resource) => s_resources[resource].Group.Length > 0 ? s_resources[resource].Group + "/v1" : "v1";

    private static string Line(string type, JsonObject item) => new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString() + "\n";

    private static JsonObject StatusObject(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(StatusObject(code, reason, message).ToJsonString(), Encoding.UTF8);
    }

    private sealed record Watch(string Resource, string? Namespace, string Token, Channel<string> Channel);
}
