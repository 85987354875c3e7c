using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Sidecar.Kubernetes.Diagnostics;
using Sidecar.Kubernetes.Injection;
using Sidecar.Kubernetes.Tests.Infrastructure;
using Sidecar.Kubernetes.Tests.Webhook;
using Sidecar.Kubernetes.Webhook;

namespace Sidecar.Kubernetes.Tests.Diagnostics;

public sealed class InjectorInstrumentsTests
{
    [Fact]
    public void Handle_EachOutcome_CountsOnItsInstrument()
    {
        using var services = new ServiceCollection().AddMetrics().AddLogging().AddSingleton<InjectorInstruments>()
            .AddSingleton(new PodMutator(TestOptions.Injector())).AddSingleton<AdmissionReviewHandler>().BuildServiceProvider();
        var instruments = services.GetRequiredService<InjectorInstruments>();
        using var injected = new MetricCollector<long>(instruments.Injected);
        using var skipped = new MetricCollector<long>(instruments.Skipped);
        using var failed = new MetricCollector<long>(instruments.Failed);
        var handler = services.GetRequiredService<AdmissionReviewHandler>();

        handler.Handle(Encoding.UTF8.GetBytes(AdmissionReviews.ForFile("Webhook/pod-annotated.json")));
        handler.Handle(Encoding.UTF8.GetBytes(AdmissionReviews.ForFile("Webhook/pod-injected.json")));
        handler.Handle("{"u8);

        Assert.Equal(InjectorInstruments.MeterName, instruments.Injected.Meter.Name);
        Assert.Equal("sidecar.injector.injected", instruments.Injected.Name);
        Assert.Equal(1, Assert.Single(injected.GetMeasurementSnapshot()).Value);
        var skip = Assert.Single(skipped.GetMeasurementSnapshot());
        Assert.Equal(SkipReasons.AlreadyInjected, skip.Tags["reason"]);
        Assert.Equal("malformed", Assert.Single(failed.GetMeasurementSnapshot()).Tags["reason"]);
    }
}
