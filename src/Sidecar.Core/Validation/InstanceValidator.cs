using Sidecar.Registry;

namespace Sidecar.Validation;

/// <summary>Service-Center's register-instance rules (spec §1.5) and lease defaults (spec §3).</summary>
public static class InstanceValidator
{
    /// <summary>Lease renewal interval in seconds when an instance sends no health check, and for <c>pull</c>.</summary>
    public const int DefaultInterval = 30;

    /// <summary>Missed renewals tolerated when an instance sends no health check, and for <c>pull</c>.</summary>
    public const int DefaultTimes = 3;

    /// <summary>The smallest <c>push</c> interval in seconds (<c>registry.instance.minInterval</c>).</summary>
    public const int MinPushInterval = 5;

    /// <summary>The smallest <c>push</c> times (<c>registry.instance.minTimes</c>).</summary>
    public const int MinPushTimes = 3;

    private static readonly FieldRule s_instanceId = new("MicroServiceInstance.InstanceId", 0, 64, Patterns.SimpleNameAllowEmpty(), Patterns.SimpleNameAllowEmptyText);
    private static readonly FieldRule s_serviceId = new("MicroServiceInstance.ServiceId", 1, 64, Patterns.NoSpace(), Patterns.NoSpaceText);
    private static readonly FieldRule s_endpoints = new("MicroServiceInstance.Endpoints", 0, 0, Patterns.HasNonSpace(), Patterns.HasNonSpaceText);
    private static readonly FieldRule s_hostName = new("MicroServiceInstance.HostName", 1, 64, Patterns.HasNonSpace(), Patterns.HasNonSpaceText);
    private static readonly FieldRule s_status = new("MicroServiceInstance.Status", 0, 0, Patterns.InstanceStatus(), Patterns.InstanceStatusText);
    private static readonly FieldRule s_mode = new("HealthCheck.Mode", 0, 0, Patterns.HealthCheckMode(), Patterns.HealthCheckModeText);
    private static readonly FieldRule s_port = new("HealthCheck.Port", 0, ushort.MaxValue);
    private static readonly FieldRule s_interval = new("HealthCheck.Interval", 1, int.MaxValue);
    private static readonly FieldRule s_times = new("HealthCheck.Times", 0, int.MaxValue);
    private static readonly FieldRule s_url = new("HealthCheck.Url", 0, 0, Patterns.NoSpace(), Patterns.NoSpaceText);
    private static readonly FieldRule s_dataCenterName = new("DataCenterInfo.Name", 1, 128, Patterns.SimpleName(), Patterns.SimpleNameText);
    private static readonly FieldRule s_region = new("DataCenterInfo.Region", 1, 128, Patterns.SimpleName(), Patterns.SimpleNameText);
    private static readonly FieldRule s_availableZone = new("DataCenterInfo.AvailableZone", 1, 128, Patterns.SimpleName(), Patterns.SimpleNameText);

    /// <summary>Checks an instance as received, in Service-Center's field order.</summary>
    /// <remarks>
    /// <see cref="MicroServiceInstance.ServiceId"/> is required: set it from the request path first, as
    /// Service-Center does. Validate before <see cref="Normalize"/>, which would hide an empty health-check mode.
    /// </remarks>
    /// <returns>null when valid, else a 400001 error whose detail names the field and its value.</returns>
    public static ScError? Validate(MicroServiceInstance i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return s_instanceId.Check(i.InstanceId)
            ?? s_serviceId.Check(i.ServiceId)
            ?? s_endpoints.CheckEach(i.Endpoints)
            ?? s_hostName.Check(i.HostName)
            ?? s_status.Check(i.Status)
            ?? (i.HealthCheck is { } h ? Validate(h) : null)
            ?? (i.DataCenterInfo is { } d ? Validate(d) : null);
    }

    /// <summary>
    /// Applies Service-Center's defaults before storing: status <c>UP</c>; no health check → push/30/3;
    /// <c>push</c> → interval at least 5 and times at least 3; <c>pull</c> → 30/3. Empty optional fields become null.
    /// </summary>
    public static MicroServiceInstance Normalize(MicroServiceInstance i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return i with
        {
            InstanceId = Optional.NullIfEmpty(i.InstanceId),
            Endpoints = Optional.NullIfEmpty(i.Endpoints),
            Status = string.IsNullOrEmpty(i.Status) ? "UP" : i.Status,
            Properties = Optional.NullIfEmpty(i.Properties),
            HealthCheck = NormalizeHealthCheck(i.HealthCheck),
            Timestamp = Optional.NullIfEmpty(i.Timestamp),
            ModTimestamp = Optional.NullIfEmpty(i.ModTimestamp),
            Version = Optional.NullIfEmpty(i.Version),
        };
    }

    /// <summary>The lease TTL: <c>interval * (times + 1)</c> seconds, saturating at <see cref="TimeSpan.MaxValue"/>.</summary>
    public static TimeSpan TtlOf(HealthCheck h)
    {
        ArgumentNullException.ThrowIfNull(h);
        var interval = Math.Max(h.Interval, 0);
        var periods = Math.Max(h.Times, 0) + 1;
        var maxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;
        return interval > maxSeconds / periods ? TimeSpan.MaxValue : TimeSpan.FromSeconds(interval * periods);
    }

    private static ScError? Validate(HealthCheck h) =>
        s_mode.Check(h.Mode)
        ?? s_port.Check(h.Port)
        ?? s_interval.Check(h.Interval)
        ?? s_times.Check(h.Times)
        ?? s_url.Check(h.Url);

    private static ScError? Validate(DataCenterInfo d) =>
        s_dataCenterName.Check(d.Name)
        ?? s_region.Check(d.Region)
        ?? s_availableZone.Check(d.AvailableZone);

    private static HealthCheck NormalizeHealthCheck(HealthCheck? h)
    {
        if (h is null)
        {
            return new HealthCheck { Mode = "push", Interval = DefaultInterval, Times = DefaultTimes };
        }

        h = h with { Url = Optional.NullIfEmpty(h.Url) };
        return h.Mode switch
        {
            "push" => h with { Interval = Math.Max(h.Interval, MinPushInterval), Times = Math.Max(h.Times, MinPushTimes) },
            "pull" => h with { Interval = DefaultInterval, Times = DefaultTimes },
            _ => h,
        };
    }
}
