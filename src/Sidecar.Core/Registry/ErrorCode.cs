namespace Sidecar.Registry;

/// <summary>Service-Center error codes (cari <c>discovery/error.go</c>); HTTP status is <c>code / 1000</c>.</summary>
public static class ErrorCode
{
    public const int InvalidParams = 400001;
    public const int Unhealthy = 400002;
    public const int ServiceAlreadyExists = 400010;
    public const int ServiceNotExists = 400012;
    public const int DeployedInstance = 400013;
    public const int UndefinedSchemaId = 400014;
    public const int ModifySchemaNotAllowed = 400015;
    public const int SchemaNotExists = 400016;
    public const int InstanceNotExists = 400017;
    public const int TagNotExists = 400018;
    public const int DependedOnConsumer = 400023;
    public const int PermissionDeny = 400024;
    public const int ServiceVersionNotExists = 400026;
    public const int NotEnoughQuota = 400100;
    public const int Forbidden = 403001;
    public const int Internal = 500003;
    public const int UnavailableBackend = 500011;

    /// <summary>The fixed message Service-Center pairs with each code.</summary>
    public static string MessageOf(int code) => code switch
    {
        InvalidParams => "Invalid parameter(s)",
        Unhealthy => "Server is Unhealthy",
        ServiceAlreadyExists => "Micro-service already exists",
        ServiceNotExists => "Micro-service does not exist",
        DeployedInstance => "Micro-service has deployed instance(s)",
        UndefinedSchemaId => "Undefined schema id",
        ModifySchemaNotAllowed => "Not allowed to modify schema",
        SchemaNotExists => "Schema does not exist",
        InstanceNotExists => "Instance does not exist",
        TagNotExists => "Tag does not exist",
        DependedOnConsumer => "Consumer(s) depends on this micro-service",
        PermissionDeny => "Access micro-service refused",
        ServiceVersionNotExists => "Micro-service version does not exist",
        NotEnoughQuota => "Not enough quota",
        Forbidden => "Forbidden",
        UnavailableBackend => "Registry service is unavailable",
        _ => "Internal server error",
    };
}
