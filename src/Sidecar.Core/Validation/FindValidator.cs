using Sidecar.Registry;

namespace Sidecar.Validation;

/// <summary>Checks the query of a find (I4) and of an existence check (S1), spec §1.5.</summary>
public static class FindValidator
{
    private static readonly FieldRule s_consumerId = new("FindInstancesRequest.ConsumerServiceId", 0, 64, Patterns.NoSpace(), Patterns.NoSpaceText);
    private static readonly FieldRule s_appId = new("FindInstancesRequest.AppId", 1, 160, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_serviceName = new("FindInstancesRequest.ServiceName", 1, 160 + 1 + 128, Patterns.NameForFind(), Patterns.NameForFindText);
    private static readonly FieldRule s_tags = new("FindInstancesRequest.Tags", 0, 0, Patterns.Tag(), Patterns.TagText);
    private static readonly FieldRule s_environment = new("FindInstancesRequest.Environment", 0, 0, Patterns.Environment(), Patterns.EnvironmentText);

    private static readonly FieldRule s_existenceEnvironment = new("GetExistenceRequest.Environment", 0, 0, Patterns.Environment(), Patterns.EnvironmentText);
    private static readonly FieldRule s_existenceAppId = new("GetExistenceRequest.AppId", 1, 160, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_existenceServiceName = new("GetExistenceRequest.ServiceName", 1, 160 + 1 + 128, Patterns.NameForFind(), Patterns.NameForFindText);
    private static readonly FieldRule s_existenceVersion = new("GetExistenceRequest.Version", 1, 64, IsStrictVersion, Patterns.VersionText);

    /// <summary>
    /// A find: <paramref name="appId"/> 1..160 name; <paramref name="serviceName"/> 1..289, a name or an
    /// <c>app:name</c> alias; <paramref name="environment"/> one of the environments or empty;
    /// <paramref name="tags"/> comma-separated tag keys; <paramref name="consumerId"/> (the <c>X-ConsumerId</c>
    /// header) at most 64 characters without white space.
    /// </summary>
    public static ScError? Validate(string? appId, string? serviceName, string? environment, string? tags, string? consumerId) =>
        s_consumerId.Check(consumerId)
        ?? s_appId.Check(appId)
        ?? s_serviceName.Check(serviceName)
        ?? (string.IsNullOrEmpty(tags) ? null : s_tags.CheckEach(tags.Split(',')))
        ?? s_environment.Check(environment);

    /// <summary>
    /// An existence check of a service: as a find, plus <paramref name="version"/> 1..64 characters of the strict form
    /// <c>x[.y[.z[.w]]]</c> (no rules: <c>latest</c>, <c>1.0.0+</c> and ranges are rejected).
    /// </summary>
    public static ScError? ValidateExistence(string? appId, string? serviceName, string? version, string? environment) =>
        s_existenceEnvironment.Check(environment)
        ?? s_existenceAppId.Check(appId)
        ?? s_existenceServiceName.Check(serviceName)
        ?? s_existenceVersion.Check(version);

    private static bool IsStrictVersion(string text) => Versioning.ServiceVersion.TryParse(text, out _);
}
