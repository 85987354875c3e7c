using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sidecar.Agent.Tests.Ui;

/// <summary>
/// A headless Chromium driven over the Chrome DevTools Protocol (a websocket of JSON messages): enough to load a page,
/// evaluate script in it, and take a screenshot. No driver package; any Chromium or Chrome on PATH works
/// (<c>SIDECAR_CHROMIUM</c> names another). Script errors, failed loads and CSP refusals are collected in
/// <see cref="Errors"/>.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _userDataDir;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string userDataDir)
    {
        _process = process;
        _userDataDir = userDataDir;
    }

    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>The browser to run, or null when none is installed.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("SIDECAR_CHROMIUM") is { Length: > 0 } named)
        {
            return File.Exists(named) ? named : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':') ?? [];
        return new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" }
            .SelectMany(name => path.Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<HeadlessChromium> StartAsync(string executable, CancellationToken cancellationToken)
    {
        var userDataDir = Directory.CreateTempSubdirectory("sidecar-test-chromium-").FullName;
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + userDataDir,
            "--window-size=1280,1000", "about:blank",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var browser = new HeadlessChromium(process, userDataDir);
        try
        {
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderr = new ConcurrentQueue<string>();
            process.ErrorDataReceived += (_, e) =>
            {
                // "DevTools listening on ws://127.0.0.1:<port>/devtools/browser/<id>"
                if (e.Data is { } line)
                {
                    stderr.Enqueue(line);
                    if (line.StartsWith("DevTools listening on ", StringComparison.Ordinal))
                    {
                        listening.TrySetResult(new Uri(line["DevTools listening on ".Length..].Trim()));
                    }
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            Uri browserUrl;
            try
            {
                browserUrl = await listening.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{executable} did not print its DevTools address: {string.Join('\n', stderr)}");
            }

            await browser.AttachToPageAsync(browserUrl, timeout.Token);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects to the page target Chromium opened (about:blank) and enables the events that report errors.</summary>
    private async Task AttachToPageAsync(Uri browserUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://{browserUrl.Authority}/json/list", cancellationToken))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), cancellationToken);
        _receiving = ReceiveAsync();
        await SendAsync("Runtime.enable", null, cancellationToken);
        await SendAsync("Log.enable", null, cancellationToken);
        await SendAsync("Page.enable", null, cancellationToken);
    }

    /// <summary>Loads <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken);
        if (result.TryGetProperty("errorText", out var error))
        {
            throw new InvalidOperationException($"navigating to {url} failed: {error}");
        }

        await EvaluateAsync<bool>("new Promise(r => document.readyState === 'complete' ? r(true) : addEventListener('load', () => r(true)))", cancellationToken);
    }

    /// <summary>Runs <paramref name="expression"/> in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<T> EvaluateAsync<T>(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        }, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"script '{expression}' threw: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Deserialize<T>()! : default!;
    }

    /// <summary>A PNG of the page as shown (the full page when <paramref name="fullPage"/>).</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken, bool fullPage = true)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = fullPage }, cancellationToken);
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        var reply = await answer.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (reply.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error}");
        }

        return reply.GetProperty("result");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                var root = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                if (root.TryGetProperty("id", out var id))
                {
                    if (_pending.TryRemove(id.GetInt32(), out var answer))
                    {
                        answer.TrySetResult(root);
                    }
                }
                else
                {
                    Collect(root);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            foreach (var answer in _pending.Values)
            {
                answer.TrySetException(new InvalidOperationException("the DevTools connection closed"));
            }
        }
    }

    /// <summary>Keeps what a person would see as an error in the browser's console.</summary>
    private void Collect(JsonElement message)
    {
        var method = message.GetProperty("method").GetString();
        var parameters = message.TryGetProperty("params", out var p) ? p : default;
        switch (method)
        {
            case "Runtime.exceptionThrown":
                _errors.Enqueue("exception: " + parameters.GetProperty("exceptionDetails"));
                break;
            case "Runtime.consoleAPICalled" when parameters.GetProperty("type").GetString() is "error" or "assert":
                _errors.Enqueue("console: " + parameters.GetProperty("args"));
                break;
            case "Log.entryAdded" when parameters.GetProperty("entry").GetProperty("level").GetString() == "error":
                _errors.Enqueue("log: " + parameters.GetProperty("entry"));
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_userDataDir, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helpers may still be writing; a temp dir left behind is harmless.
        }
    }
}
