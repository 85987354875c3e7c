using System.Collections.Concurrent;
using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Replication;

/// <summary>
/// The one check every record passes before it enters the replica, whatever its origin (gossip, upstream pulls,
/// restore; local writes are validated by the API with the same rules). A record is refused when its key is not a
/// valid registry key, its value lacks a member the model requires (e.g. tags <c>{}</c>), breaks Service-Center's
/// validation rules (the API's validators), or its version's clock is more than <see cref="MaxClockSkew"/> ahead of
/// local time. Refusals are counted per origin and reason and raised through <see cref="Refused"/>. Thread-safe.
/// </summary>
public sealed class RecordGate(TimeProvider timeProvider)
{
    /// <summary>The key is not a registry key (bad ids, wrong item for the kind, empty source or writer).</summary>
    public const string InvalidKey = "invalid-key";

    /// <summary>The value is of the wrong type for its kind, or lacks a member (or has a null) the model requires.</summary>
    public const string MissingMember = "missing-member";

    /// <summary>The value breaks a Service-Center validation rule.</summary>
    public const string InvalidValue = "invalid-value";

    /// <summary>The version's clock is more than <see cref="MaxClockSkew"/> ahead of local time.</summary>
    public const string FutureClock = "future-clock";

    /// <summary>How far ahead of local time a record's clock may be (peers' clocks drift a little; more is a fault).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>Longest source, domain, project, dependency item or writer accepted (characters).</summary>
    public const int MaxNameLength = 1024;

    // Sources logged once each; bounded so that a flood of invented sources cannot grow it without end.
    private const int MaxLoggedSources = 4096;

    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly ConcurrentDictionary<(RecordOrigin Origin, string Reason), long> _counts = new();
    private readonly ConcurrentDictionary<(RecordOrigin Origin, string Source), byte> _logged = new();

    /// <summary>Raised for every refused record, on the caller's thread (the writer loop or gossip): keep it quick.</summary>
    public event Action<RecordRefused>? Refused;

    /// <summary>Records refused so far for <paramref name="origin"/>, for one reason or (null) all.</summary>
    public long RefusedCount(RecordOrigin origin, string? reason = null) =>
        _counts.Where(p => p.Key.Origin == origin && (reason is null || p.Key.Reason == reason)).Sum(p => p.Value);

    /// <summary>True when the record may enter the replica; otherwise counts and reports the refusal.</summary>
    public bool Admit(Record record, RecordOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Check(record, _timeProvider.GetUtcNow()) is not { } refusal)
        {
            return true;
        }

        _counts.AddOrUpdate((origin, refusal.Reason), 1, static (_, n) => n + 1);
        var source = record.Key.Source ?? "";
        var first = _logged.Count < MaxLoggedSources && _logged.TryAdd((origin, source), 0);
        Refused?.Invoke(new RecordRefused(origin, record.Key, refusal, first));
        return false;
    }

    /// <summary>Checks a record against the rules; null when it may enter the replica.</summary>
    public static RecordRefusal? Check(Record record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CheckKey(record) ?? CheckClock(record.Version, now) ?? (record.Value is { } value ? CheckValue(record.Key, value) : null);
    }

    private static RecordRefusal? CheckKey(Record record)
    {
        var key = record.Key;
        if (!IsName(key.Source) || !IsName(key.Domain) || !IsName(key.Project) || !IsName(record.Version.Writer))
        {
            return Refuse(InvalidKey, "source, domain, project and writer must be 1.." + MaxNameLength + " characters without control characters");
        }

        if (IdValidator.ValidateServiceId(key.ServiceId) is { } badId)
        {
            return Refuse(InvalidKey, badId.Detail);
        }

        var itemError = key.Kind switch
        {
            RecordKind.Service or RecordKind.Tags => key.Item == "" ? null : "a service or tags record has no item",
            RecordKind.Instance => IdValidator.ValidateInstanceId(key.Item)?.Detail,
            RecordKind.Schema => IdValidator.ValidateSchemaId(key.Item)?.Detail,
            RecordKind.Dependency => IsName(key.Item) ? null : "a dependency record needs its provider as item",
            _ => "unknown record kind " + (int)key.Kind,
        };
        return itemError is null ? null : Refuse(InvalidKey, itemError);
    }

    private static RecordRefusal? CheckClock(RecordVersion version, DateTimeOffset now)
    {
        if (version.Clock <= 0)
        {
            return Refuse(InvalidKey, "the version clock must be positive");
        }

        var ahead = HybridLogicalClock.ToTime(version.Clock) - now;
        return ahead > MaxClockSkew
            ? Refuse(FutureClock, $"the version clock is {ahead.TotalSeconds:F0} s ahead of local time (at most {MaxClockSkew.TotalSeconds:F0} s)")
            : null;
    }

    private static RecordRefusal? CheckValue(in RecordKey key, object value) => (key.Kind, value) switch
    {
        (RecordKind.Service, MicroService service) => Structure(service) ?? Rules(ServiceValidator.Validate(service)),
        (RecordKind.Instance, MicroServiceInstance instance) => Structure(instance) ?? Rules(InstanceValidator.Validate(instance)),
        (RecordKind.Tags, TagsValue tags) => tags.Tags is null || HasNull(tags.Tags)
            ? Refuse(MissingMember, "tags must be a map of strings")
            : Rules(IdValidator.ValidateTags(tags.Tags)),
        (RecordKind.Schema, SchemaValue schema) => schema.Schema is null ? Refuse(MissingMember, "a schema needs its text") : null,
        (RecordKind.Dependency, DependencyValue dependency) => Structure(key, dependency),
        _ => Refuse(MissingMember, $"a {key.Kind} record holds a {value.GetType().Name}"),
    };

    private static RecordRefusal? Structure(MicroService service) =>
        HasNull(service.Schemas) || HasNull(service.Paths) || HasNull(service.Providers) || HasNull(service.Properties)
            || HasNull(service.LBStrategy) || service.Paths?.Any(p => HasNull(p.Property)) == true
            ? Refuse(MissingMember, "a service's lists and maps must not hold nulls")
            : null;

    private static RecordRefusal? Structure(MicroServiceInstance instance) =>
        HasNull(instance.Endpoints) || HasNull(instance.Properties)
            ? Refuse(MissingMember, "an instance's endpoints and properties must not hold nulls")
            : null;

    private static RecordRefusal? Structure(in RecordKey key, DependencyValue dependency)
    {
        if (dependency.Environment is null || dependency.AppId is null || dependency.ServiceName is null)
        {
            return Refuse(MissingMember, "a dependency needs environment, appId and serviceName");
        }

        return key.Item == $"{dependency.Environment}/{dependency.AppId}/{dependency.ServiceName}"
            ? null
            : Refuse(InvalidKey, "a dependency's item must name its provider");
    }

    private static RecordRefusal? Rules(ScError? error) => error is null ? null : Refuse(InvalidValue, error.Detail ?? error.ErrorMessage);

    private static RecordRefusal Refuse(string reason, string? detail) => new(reason, detail ?? reason);

    private static bool IsName(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxNameLength && !value.AsSpan().ContainsAnyInRange('\0', '\u001f');

    private static bool HasNull<T>(IReadOnlyList<T?>? list) where T : class => list?.Any(e => e is null) == true;

    private static bool HasNull(IReadOnlyDictionary<string, string>? map) => map?.Values.Any(v => v is null) == true;
}
