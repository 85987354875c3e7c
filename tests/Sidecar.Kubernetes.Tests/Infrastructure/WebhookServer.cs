using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Tests.Infrastructure;

/// <summary>The real injector on HTTPS 127.0.0.1:0 with a generated certificate, and a client trusting only its CA.</summary>
internal sealed class WebhookServer : IAsyncDisposable
{
    private WebhookServer(WebApplication app, HttpClient client, WebhookCertificate certificate)
    {
        App = app;
        Client = client;
        Certificate = certificate;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public WebhookCertificate Certificate { get; }

    public static async Task<WebhookServer> StartAsync(InjectorOptions? options = null, Action<WebApplicationBuilder>? configure = null, WebhookCertificate? certificate = null)
    {
        options = (options ?? TestOptions.Injector()) with { Listen = "127.0.0.1:0" };
        certificate ??= WebhookCertificateFactory.CreateSelfSigned(options.ServiceName, options.Namespace, TimeProvider.System);
        var app = InjectorHost.Build(options, certificate, builder =>
        {
            builder.Services.AddSingleton<InClusterClientFactory>(() => null);
            configure?.Invoke(builder);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var ca = X509Certificate2.CreateFromPem(certificate.GeneratedCaPem!);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return cert is X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        return new WebhookServer(app, new HttpClient(handler) { BaseAddress = new Uri(address) }, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
