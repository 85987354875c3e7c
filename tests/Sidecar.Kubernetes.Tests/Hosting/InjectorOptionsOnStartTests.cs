using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Hosting;

/// <summary>The injector's settings reach its host as <c>IOptions&lt;InjectorOptions&gt;</c>, validated when it starts.</summary>
public sealed class InjectorOptionsOnStartTests
{
    private static readonly InjectorOptions s_options = TestOptions.Injector() with { Listen = "127.0.0.1:0" };

    [Fact]
    public async Task Start_RefusedSetting_FailsNamingTheFlag()
    {
        var options = s_options with { ImagePullPolicy = "Sometimes" };
        await using var app = InjectorHost.Build(options, WebhookCertificateFactory.Create(options, TimeProvider.System), NotInCluster);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("flag --image-pull-policy: 'Sometimes'", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ValidSettings_TheSameInstanceServedAsIOptions()
    {
        await using var app = InjectorHost.Build(s_options, WebhookCertificateFactory.Create(s_options, TimeProvider.System), NotInCluster);
        await app.StartAsync(TestContext.Current.CancellationToken);

        Assert.Same(s_options, app.Services.GetRequiredService<IOptions<InjectorOptions>>().Value);
        Assert.Same(s_options, app.Services.GetRequiredService<InjectorOptions>());
        Assert.Contains(app.Services.GetServices<IValidateOptions<InjectorOptions>>(), v => v is InjectorOptionsValidator);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    private static void NotInCluster(WebApplicationBuilder builder) => builder.Services.AddSingleton<InClusterClientFactory>(() => null);
}
