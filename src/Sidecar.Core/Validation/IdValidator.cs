using Sidecar.Registry;

namespace Sidecar.Validation;

/// <summary>Checks the ids, flags and small values that arrive in request paths and query strings (spec §1.5).</summary>
public static class IdValidator
{
    /// <summary>The default tag quota: the most tags a service may carry.</summary>
    public const int MaxTags = 100;

    /// <summary>The longest domain or project name.</summary>
    public const int MaxTenantName = 128;

    /// <summary>The error text for a force flag that is not a boolean, as Service-Center words it.</summary>
    public const string ForceFlagError = "parameter force must be false or true";

    private static readonly FieldRule s_serviceId = new("MicroService.ServiceId", 1, 64, Patterns.NoSpace(), Patterns.NoSpaceText);
    private static readonly FieldRule s_instanceId = new("MicroServiceInstance.InstanceId", 1, 64, Patterns.SimpleNameAllowEmpty(), Patterns.SimpleNameAllowEmptyText);
    private static readonly FieldRule s_status = new("UpdateInstanceStatusRequest.Status", 0, 0, Patterns.StatusUpdate(), Patterns.StatusUpdateText);
    private static readonly FieldRule s_tags = new("AddServiceTagsRequest.Tags", 0, MaxTags, Patterns.Tag(), Patterns.TagText);
    private static readonly FieldRule s_tagKey = new("UpdateServiceTagRequest.Key", 0, 0, Patterns.Tag(), Patterns.TagText);
    private static readonly FieldRule s_tagValue = new("UpdateServiceTagRequest.Value", 0, 0, Patterns.Tag(), Patterns.TagText);
    private static readonly FieldRule s_tagKeys = new("DeleteServiceTagsRequest.Keys", 1, MaxTags, Patterns.Tag(), Patterns.TagText);
    private static readonly FieldRule s_schemaId = new("GetSchemaRequest.SchemaId", 1, 160, Patterns.SchemaId(), Patterns.SchemaIdText);
    private static readonly FieldRule s_domain = new("Tenant.Domain", 1, MaxTenantName, Patterns.Name(), Patterns.NameText);
    private static readonly FieldRule s_project = new("Tenant.Project", 1, MaxTenantName, Patterns.Name(), Patterns.NameText);

    /// <summary>
    /// The tenant: domain (header <c>X-Domain-Name</c>) and project (path) are names like appId and serviceName: 1..128
    /// characters, alphanumeric at both ends, <c>_ - .</c> inside. They become parts of record keys and index paths.
    /// </summary>
    public static ScError? ValidateTenant(Tenant tenant) => s_domain.Check(tenant.Domain) ?? s_project.Check(tenant.Project);

    /// <summary>A serviceId in a path or body: 1..64 characters without white space.</summary>
    public static ScError? ValidateServiceId(string? serviceId) => s_serviceId.Check(serviceId);

    /// <summary>An instanceId in a path: 1..64 of <c>A-Z a-z 0-9 _ . -</c>.</summary>
    public static ScError? ValidateInstanceId(string? instanceId) => s_instanceId.Check(instanceId);

    /// <summary>The <c>value</c> of a status update: UP, DOWN, STARTING, TESTING or OUTOFSERVICE (not empty).</summary>
    public static ScError? ValidateStatus(string? status) => s_status.Check(status);

    /// <summary>Tags to add: at most <see cref="MaxTags"/>, each key and value a tag name.</summary>
    public static ScError? ValidateTags(IReadOnlyDictionary<string, string>? tags) => s_tags.CheckEach(tags);

    /// <summary>The key of a tag update.</summary>
    public static ScError? ValidateTagKey(string? key) => s_tagKey.Check(key);

    /// <summary>The value of a tag update.</summary>
    public static ScError? ValidateTagValue(string? value) => s_tagValue.Check(value);

    /// <summary>The keys of a tag delete: 1..<see cref="MaxTags"/> tag names.</summary>
    public static ScError? ValidateTagKeys(IReadOnlyCollection<string>? keys) => s_tagKeys.CheckEach(keys);

    /// <summary>A schemaId: 1..160 characters, alphanumeric at both ends, <c>_ - .</c> inside.</summary>
    public static ScError? ValidateSchemaId(string? schemaId) => s_schemaId.Check(schemaId);

    /// <summary>
    /// Parses a <c>force</c> flag: absent or empty is false; <c>true</c>, <c>false</c>, <c>1</c>, <c>0</c>
    /// (any case) are accepted; anything else is 400001 "parameter force must be false or true".
    /// </summary>
    public static ScError? ParseBool(string? text, out bool value)
    {
        value = false;
        if (string.IsNullOrEmpty(text) || text == "0" || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        value = IsTrue(text);
        return value ? null : ScError.InvalidParams(ForceFlagError);
    }

    /// <summary>Service-Center's truthiness for query flags (<c>StringTRUE</c>): <c>1</c> or <c>true</c> in any case.</summary>
    public static bool IsTrue(string? text) => text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
}
