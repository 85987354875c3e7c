using Sidecar.Registry;
using Sidecar.Versioning;

namespace Sidecar.Validation;

/// <summary>Service-Center's create-service rules (spec §1.5, <c>microservice_validator.go</c>).</summary>
public static class ServiceValidator
{
    /// <summary>The default schema quota: the most schemas a service may declare.</summary>
    public const int MaxSchemas = 100;

    private static readonly FieldRule s_serviceId = new("MicroService.ServiceId", 0, 64, Patterns.NoSpace(), Patterns.NoSpaceText);
    private static readonly FieldRule s_appId = new("MicroService.AppId", 0, 160, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_serviceName = new("MicroService.ServiceName", 1, 128, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_version = new("MicroService.Version", 0, 64, IsVersion, Patterns.VersionText);
    private static readonly FieldRule s_description = new("MicroService.Description", 0, 256);
    private static readonly FieldRule s_level = new("MicroService.Level", 0, 0, Patterns.Level(), Patterns.LevelText);
    private static readonly FieldRule s_schemas = new("MicroService.Schemas", 0, MaxSchemas, Patterns.SchemaId(), Patterns.SchemaIdText);
    private static readonly FieldRule s_path = new("ServicePath.Path", 0, 0, Patterns.Path(), Patterns.PathText);
    private static readonly FieldRule s_status = new("MicroService.Status", 0, 0, Patterns.ServiceStatus(), Patterns.ServiceStatusText);
    private static readonly FieldRule s_alias = new("MicroService.Alias", 0, 128, Patterns.Alias(), Patterns.AliasText);
    private static readonly FieldRule s_environment = new("MicroService.Environment", 0, 0, Patterns.Environment(), Patterns.EnvironmentText);
    private static readonly FieldRule s_registerBy = new("MicroService.RegisterBy", 0, 64, Patterns.RegisterBy(), Patterns.RegisterByText);
    private static readonly FieldRule s_frameworkName = new("FrameWork.Name", 0, 64, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_frameworkVersion = new("FrameWork.Version", 0, 64);

    /// <summary>
    /// Applies Service-Center's defaults, which come before validation: empty <c>appId</c> → <c>default</c>,
    /// <c>version</c> → <c>0.0.1</c>, <c>level</c> → <c>BACK</c>, <c>status</c> → <c>UP</c>. Empty optional strings,
    /// lists and maps become null (absent on the wire). <c>environment</c> has no default: empty is its own namespace.
    /// </summary>
    public static MicroService Normalize(MicroService s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s with
        {
            ServiceId = Optional.NullIfEmpty(s.ServiceId),
            AppId = string.IsNullOrEmpty(s.AppId) ? "default" : s.AppId,
            Version = string.IsNullOrEmpty(s.Version) ? "0.0.1" : s.Version,
            Description = Optional.NullIfEmpty(s.Description),
            Level = string.IsNullOrEmpty(s.Level) ? "BACK" : s.Level,
            Schemas = Optional.NullIfEmpty(s.Schemas),
            Paths = Optional.NullIfEmpty(s.Paths),
            Status = string.IsNullOrEmpty(s.Status) ? "UP" : s.Status,
            Properties = Optional.NullIfEmpty(s.Properties),
            Timestamp = Optional.NullIfEmpty(s.Timestamp),
            Providers = Optional.NullIfEmpty(s.Providers),
            Alias = Optional.NullIfEmpty(s.Alias),
            LBStrategy = Optional.NullIfEmpty(s.LBStrategy),
            ModTimestamp = Optional.NullIfEmpty(s.ModTimestamp),
            Environment = Optional.NullIfEmpty(s.Environment),
            RegisterBy = Optional.NullIfEmpty(s.RegisterBy),
            Framework = NormalizeFramework(s.Framework),
        };
    }

    /// <summary>Checks a service, normally after <see cref="Normalize"/>, in Service-Center's field order.</summary>
    /// <returns>null when valid, else a 400001 error whose detail names the field and its value.</returns>
    public static ScError? Validate(MicroService s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s_serviceId.Check(s.ServiceId)
            ?? s_appId.Check(s.AppId)
            ?? s_serviceName.Check(s.ServiceName)
            ?? s_version.Check(s.Version)
            ?? s_description.Check(s.Description)
            ?? s_level.Check(s.Level)
            ?? s_schemas.CheckEach(s.Schemas)
            ?? ValidatePaths(s.Paths)
            ?? s_status.Check(s.Status)
            ?? s_alias.Check(s.Alias)
            ?? s_environment.Check(s.Environment)
            ?? s_registerBy.Check(s.RegisterBy)
            ?? (s.Framework is { } f ? s_frameworkName.Check(f.Name) ?? s_frameworkVersion.Check(f.Version) : null);
    }

    private static ScError? ValidatePaths(IReadOnlyList<ServicePath>? paths)
    {
        foreach (var path in paths ?? [])
        {
            if (s_path.Check(path?.Path) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static bool IsVersion(string text) => ServiceVersion.TryParse(text, out _);

    private static FrameworkInfo? NormalizeFramework(FrameworkInfo? framework) =>
        framework is null || (string.IsNullOrEmpty(framework.Name) && string.IsNullOrEmpty(framework.Version))
            ? null
            : framework with { Name = Optional.NullIfEmpty(framework.Name), Version = Optional.NullIfEmpty(framework.Version) };
}
