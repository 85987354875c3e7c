using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Kubernetes.Injection;

namespace Sidecar.Kubernetes.Hosting;

/// <summary>Builds the injector's Kestrel app: HTTPS webhook at /inject, /healthz, /readyz and /metrics.</summary>
internal static class InjectorHost
{
    public static WebApplication Build(InjectorOptions options, WebhookCertificate certificate, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        _ = Sidecar.Cli.SettingValue.Endpoint("listen", options.Listen, out var endpoint);
        var serving = new ServingCertificate(certificate.ServerCertificate);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => serving.Current)));
        builder.Services.AddSingleton(serving);
        configure?.Invoke(builder);
        builder.Services.AddSidecarInjector(options, certificate);

        var app = builder.Build();
        app.MapSidecarInjector();
        return app;
    }
}
