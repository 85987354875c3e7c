using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Hosting;

public sealed class CaBundleTests
{
    private const string ConfigurationPath = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/sidecar-injector";

    [Fact]
    public async Task PatchAsync_FakeApiServer_JsonPatchSetsCaBundleOfEveryWebhook()
    {
        string? contentType = null;
        string? body = null;
        await using var api = await StartFakeApiServerAsync(async context =>
        {
            if (context.Request.Path != ConfigurationPath)
            {
                context.Response.StatusCode = 404;
                return;
            }

            if (HttpMethods.IsPatch(context.Request.Method))
            {
                contentType = context.Request.ContentType;
                body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(WebhookConfigurationJson);
        });
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Urls.Single() });

        var count = await new CaBundlePatcher(client).PatchAsync("sidecar-injector", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", TestContext.Current.CancellationToken);

        Assert.Equal(2, count);
        Assert.StartsWith("application/json-patch+json", contentType, StringComparison.Ordinal);
        var operations = JsonNode.Parse(body!)!.AsArray();
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"));
        Assert.Equal(["/webhooks/0/clientConfig/caBundle", "/webhooks/1/clientConfig/caBundle"], operations.Select(o => (string)o!["path"]!));
        Assert.All(operations, o => Assert.Equal(expected, (string?)o!["value"]));
    }

    [Fact]
    public async Task Injector_OutsideCluster_LogsOnceThatItSkippedAndStillServes()
    {
        var logs = new FakeLogCollector();
        await using var server = await WebhookServer.StartAsync(configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));

        await WaitUntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Id == 5023));

        var skipped = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 5023);
        Assert.Contains("skipped patching the caBundle", skipped.Message, StringComparison.Ordinal);
        Assert.Equal("ok", await server.Client.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        Assert.Equal("ok", await server.Client.GetStringAsync("/readyz", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Injector_InCluster_PublishesGeneratedCaThroughApiServer()
    {
        var patched = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var api = await StartFakeApiServerAsync(async context =>
        {
            if (HttpMethods.IsPatch(context.Request.Method))
            {
                patched.TrySetResult(await new StreamReader(context.Request.Body).ReadToEndAsync());
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(WebhookConfigurationJson);
        });
        await using var server = await WebhookServer.StartAsync(configure: b => b.Services.AddSingleton<InClusterClientFactory>(
            () => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Urls.Single() })));

        var body = await patched.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var caBundle = Encoding.UTF8.GetString(Convert.FromBase64String((string)JsonNode.Parse(body)![0]!["value"]!));
        Assert.Equal(server.Certificate.GeneratedCaPem, caBundle);
    }

    [Fact]
    public async Task Readyz_InCluster_NotReadyUntilTheCaBundleIsPatched()
    {
        var refuse = true;
        await using var api = await StartFakeApiServerAsync(async context =>
        {
            if (Volatile.Read(ref refuse))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(WebhookConfigurationJson);
        });
        await using var server = await WebhookServer.StartAsync(configure: b => b.Services.AddSingleton<InClusterClientFactory>(
            () => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Urls.Single() })));
        var ct = TestContext.Current.CancellationToken;

        using (var notReady = await server.Client.GetAsync("/readyz", ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("not ready: " + CaBundleReadiness.WaitingReason, await notReady.Content.ReadAsStringAsync(ct));
        }

        Assert.Equal("ok", await server.Client.GetStringAsync("/healthz", ct));
        Volatile.Write(ref refuse, false);
        var ready = await WaitForReadyAsync(server);
        Assert.Equal("ok", ready);
    }

    private static async Task<string?> WaitForReadyAsync(WebhookServer server)
    {
        // The first retry comes 1 s after the refused patch.
        for (var i = 0; i < 400; i++)
        {
            using var response = await server.Client.GetAsync("/readyz", TestContext.Current.CancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        return null;
    }

    private const string WebhookConfigurationJson = """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"sidecar-injector"},
         "webhooks":[
          {"name":"a.sidecar.servicecomb.io","clientConfig":{"service":{"name":"sidecar-injector","namespace":"sidecar-system"}},"sideEffects":"None","admissionReviewVersions":["v1"]},
          {"name":"b.sidecar.servicecomb.io","clientConfig":{"caBundle":"b2xk"},"sideEffects":"None","admissionReviewVersions":["v1"]}]}
        """;

    private static async Task<WebApplication> StartFakeApiServerAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }
}
