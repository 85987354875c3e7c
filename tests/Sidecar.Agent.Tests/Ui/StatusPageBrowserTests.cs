using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Ui;

/// <summary>
/// The status page in a real headless Chromium against a real <c>sidecar agent</c> process: it shows a registered
/// instance, and removes it by itself (blocking query, no reload) once it is unregistered. Screenshots are kept under
/// the test output's <c>artifacts/</c>.
/// </summary>
public sealed class StatusPageBrowserTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sidecar-test-ui-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task StatusPage_ShowsRegisteredInstance_AndDropsItByItselfWhenUnregistered()
    {
        var chromium = HeadlessChromium.FindExecutable();
        Assert.SkipWhen(chromium is null, "no chromium on PATH (apt-get install chromium, or set SIDECAR_CHROMIUM); .ci/services installs it for CI");

        var healthPort = SidecarProcess.FreeTcpPort();
        await using var agent = await SidecarProcess.StartAsync(_dataDir, null, "--health-listen", $"127.0.0.1:{healthPort}");
        using (var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") })
        using (var onHealth = await health.GetAsync("/ui", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, onHealth.StatusCode);
        }

        await EventuallyAsync(() => Task.FromResult(agent.Output.Contains($"Status page: http://127.0.0.1:{agent.Port}/ui", StringComparison.Ordinal)),
            "the agent logs the page's address on the API listener (not the health listener)");
        var name = UniqueName("ui");
        var serviceId = await PostAsync(agent, "/v4/default/registry/microservices",
            $$$"""{"service":{"serviceName":"{{{name}}}","appId":"shop","version":"1.2.0"}}""", "serviceId");
        var instanceId = await PostAsync(agent, $"/v4/default/registry/microservices/{serviceId}/instances",
            """{"instance":{"hostName":"web-1","endpoints":["rest://10.0.0.7:8080"]}}""", "instanceId");

        await using var browser = await HeadlessChromium.StartAsync(chromium!, Ct);
        await browser.NavigateAsync($"http://127.0.0.1:{agent.Port}/ui", Ct);
        await PageEventuallyAsync(browser, $"text('services').includes({Js(name)}) && text('services').includes('1 (1)')", "the service shows one UP instance");
        Assert.True(await PageAsync(browser, "text('sources').includes('agent:') && text('sources').includes('fresh')"), "the local source is listed as fresh");
        Assert.True(await PageAsync(browser, "text('members').includes('alive')"), "the agent itself is listed as an alive member");

        // Drill down the way a person does: click the service's link.
        await browser.EvaluateAsync<bool>($"[...document.querySelectorAll('#services a')].find(a => a.textContent === {Js(name)}).click() ?? true", Ct);
        await PageEventuallyAsync(browser, $"!document.getElementById('instances-section').hidden && text('instances').includes({Js(instanceId)}) && text('instances').includes('rest://10.0.0.7:8080')", "the instance is listed");
        await SaveScreenshotAsync(browser, "ui-registered.png");

        // A marker a reload would wipe: the page must change under it.
        await browser.EvaluateAsync<bool>("(window.sidecarTestMarker = 42) === 42", Ct);
        using (var deleted = await agent.Client.DeleteAsync($"/v4/default/registry/microservices/{serviceId}/instances/{instanceId}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        await PageEventuallyAsync(browser, $"!text('instances').includes({Js(instanceId)}) && text('instances').includes('No instances') && text('services').includes('0 (0)')", "the instance leaves the page");
        // The page's blocking queries wait 20 s; updating well before that shows they answered on the change.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the page took {clock.Elapsed} to notice the change");
        TestContext.Current.TestOutputHelper?.WriteLine($"the page showed the change {clock.ElapsedMilliseconds} ms after the delete answered (polled every 20 ms)");
        Assert.Equal(42, await browser.EvaluateAsync<int>("window.sidecarTestMarker", Ct));
        await SaveScreenshotAsync(browser, "ui-unregistered.png");

        Assert.True(browser.Errors.Count == 0, "the browser reported errors:\n" + string.Join('\n', browser.Errors));
    }

    private static string Js(string value) => JsonSerializer.Serialize(value);

    /// <summary>Polls a condition in the page; <c>text(id)</c> is the text of the element with that id.</summary>
    private static Task PageEventuallyAsync(HeadlessChromium browser, string condition, string because) =>
        EventuallyAsync(() => PageAsync(browser, condition), because);

    private static Task<bool> PageAsync(HeadlessChromium browser, string condition) =>
        browser.EvaluateAsync<bool>($"(() => {{ const text = id => document.getElementById(id).textContent; return {condition}; }})()", Ct);

    private static async Task SaveScreenshotAsync(HeadlessChromium browser, string fileName)
    {
        var png = await browser.ScreenshotAsync(Ct);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, png, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }

    private static async Task<string> PostAsync(SidecarProcess agent, string path, string body, string idProperty)
    {
        using var response = await agent.Client.PostAsync(path, Json(body), Ct);
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        return json.GetProperty(idProperty).GetString()!;
    }
}
