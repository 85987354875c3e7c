using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Hosting;

/// <summary>Several replicas, restarts and renewals: the shared CA Secret, mounted-file reload and /readyz.</summary>
public sealed class InjectorAvailabilityTests
{
    private static readonly InjectorOptions s_options = TestOptions.Injector() with { Listen = "127.0.0.1:0" };

    [Fact]
    public async Task SharedSecret_TwoInjectorsStartingTogetherAndARestart_ServeTheSameCa()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeApiServer.StartAsync();
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });

        // Both replicas find no Secret and generate; one create wins, the other gets 409 and reads the winner's pair.
        var results = await Task.WhenAll(
            WebhookCertificateFactory.CreateAsync(s_options, client, TimeProvider.System, ct),
            WebhookCertificateFactory.CreateAsync(s_options, client, TimeProvider.System, ct));
        await using var first = await WebhookServer.StartAsync(s_options, NotInCluster, results[0].Certificate);
        await using var second = await WebhookServer.StartAsync(s_options, NotInCluster, results[1].Certificate);
        var restarted = await WebhookCertificateFactory.CreateAsync(s_options, client, TimeProvider.System, ct);

        var served = new[] { await ServedCertificateAsync(first), await ServedCertificateAsync(second) };
        Assert.Equal(results[0].Certificate.GeneratedCaPem, results[1].Certificate.GeneratedCaPem);
        Assert.Equal(results[0].Certificate.GeneratedCaPem, restarted.Certificate.GeneratedCaPem);
        Assert.Equal(served[0].Thumbprint, served[1].Thumbprint);
        // Each server's client trusts only its own copy of the CA; both handshakes succeeding proves the chain.
        Assert.Equal("ok", await first.Client.GetStringAsync("/healthz", ct));
        Assert.Equal("ok", await second.Client.GetStringAsync("/healthz", ct));
        Assert.InRange(api.Requests.Count(r => r.StartsWith("POST /api/v1/namespaces/sidecar-system/secrets", StringComparison.Ordinal)), 1, 2);
        Assert.Single(results, r => r.Source.StartsWith("self-signed, stored in Secret sidecar-system/sidecar-injector-tls", StringComparison.Ordinal));
        Assert.StartsWith("shared, from Secret", restarted.Source, StringComparison.Ordinal);
        var secret = api.Get("secrets", "sidecar-system", "sidecar-injector-tls");
        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
    }

    [Fact]
    public async Task MountedFiles_Rotated_ServedCertificateChangesWithoutRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("injector-tls").FullName;
        try
        {
            var (certPath, keyPath) = (Path.Combine(dir, "tls.crt"), Path.Combine(dir, "tls.key"));
            var initial = WriteNewPair(certPath, keyPath);
            var options = s_options with { TlsCertPath = certPath, TlsKeyPath = keyPath, CertificateReloadInterval = TimeSpan.FromMilliseconds(100) };
            await using var app = InjectorHost.Build(options, WebhookCertificateFactory.Create(options, TimeProvider.System), b => b.Services.AddSingleton<InClusterClientFactory>(() => null));
            await app.StartAsync(ct);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

            Assert.Equal(initial, (await ServedCertificateAsync(address)).Thumbprint);
            var renewed = WriteNewPair(certPath, keyPath);
            var served = initial;
            for (var i = 0; i < 100 && served != renewed; i++)
            {
                await Task.Delay(50, ct);
                served = (await ServedCertificateAsync(address)).Thumbprint;
            }

            Assert.NotEqual(initial, renewed);
            Assert.Equal(renewed, served);
            Assert.Equal("ok", await GetAsync(address, "/readyz"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Readyz_FalseUntilTheCaBundleMatches()
    {
        var ct = TestContext.Current.CancellationToken;
        var allowPatch = false;
        var patchAttempts = 0;
        await using var api = await StartWebhookConfigurationServerAsync(async context =>
        {
            if (HttpMethods.IsPatch(context.Request.Method))
            {
                Interlocked.Increment(ref patchAttempts);
                if (!Volatile.Read(ref allowPatch))
                {
                    context.Response.StatusCode = 403;
                    await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}""");
                    return;
                }
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""
                {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"sidecar-injector"},
                 "webhooks":[{"name":"inject.sidecar.servicecomb.io","clientConfig":{"caBundle":"b2xk"},"sideEffects":"None","admissionReviewVersions":["v1"]}]}
                """);
        });
        await using var server = await WebhookServer.StartAsync(configure: b => b.Services.AddSingleton<InClusterClientFactory>(
            () => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Urls.Single() })));

        for (var i = 0; i < 200 && Volatile.Read(ref patchAttempts) == 0; i++)
        {
            await Task.Delay(25, ct);
        }

        var notReady = await server.Client.GetAsync("/readyz", ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Volatile.Write(ref allowPatch, true);
        var status = notReady.StatusCode;
        for (var i = 0; i < 200 && status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(50, ct);
            status = (await server.Client.GetAsync("/readyz", ct)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", await server.Client.GetStringAsync("/healthz", ct));
    }

    private static void NotInCluster(WebApplicationBuilder builder) => builder.Services.AddSingleton<InClusterClientFactory>(() => null);

    private static string WriteNewPair(string certPath, string keyPath)
    {
        var pair = WebhookCertificateFactory.CreateSelfSigned("sidecar-injector", "sidecar-system", TimeProvider.System);
        File.WriteAllText(certPath, pair.CertificatePem);
        File.WriteAllText(keyPath, pair.KeyPem);
        return pair.ServerCertificate.Thumbprint;
    }

    private static Task<X509Certificate2> ServedCertificateAsync(WebhookServer server) => ServedCertificateAsync(server.Client.BaseAddress!);

    /// <summary>Opens a new TLS connection and returns the certificate the server presented.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(Uri address)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, TestContext.Current.CancellationToken);
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    private static async Task<string> GetAsync(Uri address, string path)
    {
        using var handler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { BaseAddress = address };
        return await client.GetStringAsync(path, TestContext.Current.CancellationToken);
    }

    private static async Task<WebApplication> StartWebhookConfigurationServerAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
