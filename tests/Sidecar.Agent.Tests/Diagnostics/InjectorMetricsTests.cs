using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Diagnostics;

/// <summary>Scrapes <c>/metrics</c> of a real <c>sidecar injector</c> process (HTTPS, self-signed, outside a cluster).</summary>
public sealed class InjectorMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_RealInjector_CountsEachOutcome_ReadyOutsideCluster()
    {
        var port = SidecarProcess.FreeTcpPort();
        var output = new ConcurrentQueue<string>();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sidecar.dll"), "injector", "--listen", $"127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        // Outside a cluster, whatever the machine running the tests has set.
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The injector's certificate is self-signed and generated at start; this test checks metrics, not TLS.
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitReadyAsync(client, process, output);

            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Review(annotated: true))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Review(annotated: false))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "garbage")).StatusCode);
            using var response = await client.GetAsync("/metrics", Ct);
            var scrape = PrometheusText.Parse(await response.Content.ReadAsStringAsync(Ct));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("counter", scrape.Types["sidecar_injector_injected_total"]);
            Assert.Equal(1, scrape.Value("sidecar_injector_injected_total"));
            Assert.Equal(1, scrape.Value("sidecar_injector_skipped_total", ("reason", "not-annotated")));
            Assert.Equal(1, scrape.Value("sidecar_injector_failed_total", ("reason", "malformed")));
            Assert.True(scrape.Value("http_server_request_duration_seconds_count", ("http_route", "/inject")) >= 3);
            Assert.True(scrape.Value("dotnet_process_cpu_count") >= 1);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync("/inject", content, Ct);
    }

    private static string Review(bool annotated) => """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
         "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"shop","operation":"CREATE",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"orders-1","namespace":"shop","annotations":ANNOTATIONS},
           "spec":{"containers":[{"name":"app","image":"orders:1"}]}}}}
        """.Replace("ANNOTATIONS", annotated ? """{"sidecar.servicecomb.io/inject":"true","sidecar.servicecomb.io/app-port":"8080"}""" : "{}", StringComparison.Ordinal);

    private static async Task WaitReadyAsync(HttpClient client, Process process, ConcurrentQueue<string> output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the injector exited with {(process.HasExited ? process.ExitCode : 0)}: {string.Join('\n', output)}");
            try
            {
                using var ready = await client.GetAsync("/readyz", Ct);
                if (ready.IsSuccessStatusCode)
                {
                    Assert.Equal("ok", await ready.Content.ReadAsStringAsync(Ct));
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail("the injector did not become ready within 90 s: " + string.Join('\n', output));
    }
}
