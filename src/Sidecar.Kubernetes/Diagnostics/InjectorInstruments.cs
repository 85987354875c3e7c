using System.Diagnostics.Metrics;

namespace Sidecar.Kubernetes.Diagnostics;

/// <summary>The injector's instruments (meter <see cref="MeterName"/>), created through <see cref="IMeterFactory"/>.</summary>
internal sealed class InjectorInstruments
{
    public const string MeterName = "Sidecar.Kubernetes";
    public const string InjectedName = "sidecar.injector.injected";
    public const string SkippedName = "sidecar.injector.skipped";
    public const string FailedName = "sidecar.injector.failed";

    public InjectorInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Injected = meter.CreateCounter<long>(InjectedName, "{pod}", "Pods the injector added the sidecar to.");
        Skipped = meter.CreateCounter<long>(SkippedName, "{request}", "Admission requests answered without a patch, by reason.");
        Failed = meter.CreateCounter<long>(FailedName, "{request}", "Admission requests refused or malformed, by reason.");
    }

    public Counter<long> Injected { get; }

    public Counter<long> Skipped { get; }

    public Counter<long> Failed { get; }
}
